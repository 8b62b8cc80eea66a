using ActiveIT.Grains.Storage;
using Orleans.Runtime;
using Orleans.Storage;

namespace ActiveIT.Grains.Transfer;

[GrainType("activeit.format-transfer")]
public sealed class FormatTransferGrain([PersistentState("transfer", SiloStorage.ProviderName)] IPersistentState<FormatTransferState> state)
    : Grain, IFormatTransferGrain
{
    private readonly IPersistentState<FormatTransferState> _state = state;

    public Task<FormatTransfer> GetAsync()
    {
        var s = _state.State;
        return Task.FromResult(new FormatTransfer(s.SourceTaskId, s.Target, s.Config, s.Prompt, s.Candidates.ToList(), new Dictionary<string, int>(s.Chosen), s.Backend));
    }

    public async Task BeginAsync(string sourceTaskId, string target, string config, string backend, string prompt)
    {
        if (_state.State.Prompt.Length > 0)
        {
            if (_state.State.Prompt != prompt)
            {
                throw new ArgumentException($"transfer {this.GetPrimaryKeyString()} was begun with another prompt (seed pairs or rendering changed under the same config key)");
            }
            return;
        }
        // Set inside the change: after a conflict it applies to the state read afresh.
        await WriteAsync(() =>
            (_state.State.SourceTaskId, _state.State.Target, _state.State.Config, _state.State.Backend, _state.State.Prompt) = (sourceTaskId, target, config, backend, prompt));
    }

    public Task AddCandidateAsync(TransferCandidate candidate) => WriteAsync(() =>
    {
        if (_state.State.Candidates.All(c => c.Index != candidate.Index))
        {
            _state.State.Candidates.Add(candidate);
            _state.State.Candidates.Sort((a, b) => a.Index.CompareTo(b.Index));
        }
    });

    public Task ChooseAsync(string scoreKey, IReadOnlyDictionary<int, double> scores, int chosen) => WriteAsync(() =>
    {
        _state.State.Candidates = [.. _state.State.Candidates.Select(c => scores.TryGetValue(c.Index, out var score)
            ? c with { Scores = new Dictionary<string, double>(c.Scores) { [scoreKey] = score } }
            : c)];
        _state.State.Chosen[scoreKey] = chosen;
    });

    /// <summary>Applies a change and writes it; on a conflict (another activation wrote first) re-reads and applies it again.</summary>
    private Task WriteAsync(Action change) => _state.ChangeAsync(this, _ => change());
}
