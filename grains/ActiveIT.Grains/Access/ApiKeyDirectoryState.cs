namespace ActiveIT.Grains.Access;

[GenerateSerializer, Alias("activeit.ApiKeyDirectoryState")]
public sealed class ApiKeyDirectoryState
{
    /// <summary>Records by the key's full SHA-256 (hex).</summary>
    [Id(0)]
    public Dictionary<string, ApiKeyRecord> ByHash { get; set; } = [];
}
