using ActiveIT.Engine;

namespace ActiveIT.Runs.Curriculum;

/// <summary>
/// Best-epoch selection within one round's training: every epoch's dev score, and the best epoch's weights saved to
/// <see cref="Path"/> when it improves — strictly, so the earliest of tied epochs wins, as a trainer keeping the
/// best checkpoint on "greater is better" does. The file outlives the model only until the round's checkpoint is written.
/// </summary>
internal sealed class BestEpoch(string path, string? basePath)
{
    private readonly List<double> _scores = [];

    public string Path => path;

    /// <summary>0-based; −1 before the first epoch.</summary>
    public int Epoch { get; private set; } = -1;

    public IReadOnlyList<double> Scores => _scores;

    public void Offer(int epoch, double score, GptModel model)
    {
        _scores.Add(score);
        if (Epoch >= 0 && score <= _scores[Epoch])
        {
            return;
        }
        Epoch = epoch;
        RoundCheckpoint.Save(model, path, basePath);
    }
}
