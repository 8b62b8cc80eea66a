namespace ActiveIT.Grains.Transfer;

/// <summary>A transfer's state: what was asked, every candidate, and the choice made under each denoising key.</summary>
[GenerateSerializer, Alias("activeit.FormatTransferState")]
public sealed class FormatTransferState
{
    [Id(0)] public string SourceTaskId { get; set; } = "";
    [Id(1)] public string Target { get; set; } = "";
    [Id(2)] public string Config { get; set; } = "";
    /// <summary>The conversation sent (JSON list of {role, content}); candidates differ only by seed.</summary>
    [Id(3)] public string Prompt { get; set; } = "";
    [Id(4)] public List<TransferCandidate> Candidates { get; set; } = [];
    /// <summary>Chosen candidate index by denoising key.</summary>
    [Id(5)] public Dictionary<string, int> Chosen { get; set; } = [];
    [Id(6)] public string Backend { get; set; } = "";
}
