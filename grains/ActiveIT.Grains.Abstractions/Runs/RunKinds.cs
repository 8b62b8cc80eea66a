namespace ActiveIT.Grains.Runs;

/// <summary>
/// The kinds of run the cluster executes, and how a run is named across kinds: "{kind}/{name}" in the run queue, so
/// one queue, one worker and one lifecycle serve them all.
/// </summary>
public static class RunKinds
{
    public const string Curriculum = "curriculum", Transfer = "transfer", Scoring = "scoring", Pretrain = "pretrain", Diversity = "diversity";

    public static readonly IReadOnlyList<string> All = [Curriculum, Transfer, Scoring, Pretrain, Diversity];

    public static string Id(string kind, string name) => $"{kind}/{name}";

    public static (string Kind, string Name) Parse(string id) => id.IndexOf('/') is var slash and > 0
        ? (id[..slash], id[(slash + 1)..])
        : throw new ArgumentException($"run id '{id}': expected '{{kind}}/{{name}}'");
}
