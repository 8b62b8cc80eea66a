namespace ActiveIT.Grains.Transfer;

/// <summary>
/// A transfer as its grain answers it: what was asked, the conversation sent (<see cref="Prompt"/>, JSON list of
/// {role, content}; candidates differ only by seed), every candidate, and the candidate chosen under each denoising key.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.FormatTransfer")]
public sealed record FormatTransfer(
    [property: Id(0)] string SourceTaskId,
    [property: Id(1)] string Target,
    [property: Id(2)] string Config,
    [property: Id(3)] string Prompt,
    [property: Id(4)] IReadOnlyList<TransferCandidate> Candidates,
    [property: Id(5)] IReadOnlyDictionary<string, int> Chosen,
    [property: Id(6)] string Backend);
