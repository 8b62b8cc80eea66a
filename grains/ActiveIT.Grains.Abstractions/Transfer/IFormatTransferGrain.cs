namespace ActiveIT.Grains.Transfer;

/// <summary>
/// The transfer of one task version into one format under one config, keyed "{source content hash}/{target}/{config
/// key}" (<see cref="Key"/>). Candidates are stored one by one as they arrive, so a killed run loses at most the
/// request in flight, and a re-run sends no request whose answer is stored.
/// </summary>
[Alias("activeit.IFormatTransferGrain")]
public interface IFormatTransferGrain : IGrainWithStringKey
{
    [Alias("GetAsync")]
    Task<FormatTransfer> GetAsync();

    /// <summary>Records what is being asked (once: the first call wins; later calls must agree).</summary>
    [Alias("BeginAsync")]
    Task BeginAsync(string sourceTaskId, string target, string config, string backend, string prompt);

    /// <summary>Adds a candidate unless one with its index is stored already.</summary>
    [Alias("AddCandidateAsync")]
    Task AddCandidateAsync(TransferCandidate candidate);

    /// <summary>Stores each candidate's score under <paramref name="scoreKey"/> and the candidate chosen under it.</summary>
    [Alias("ChooseAsync")]
    Task ChooseAsync(string scoreKey, IReadOnlyDictionary<int, double> scores, int chosen);

    public static string Key(string sourceHash, string target, string configKey) => $"{sourceHash}/{target}/{configKey}";
}
