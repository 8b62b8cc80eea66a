namespace ActiveIT.Grains.Access;

/// <summary>What a key may do, each role including the ones before it: read everything; also create and run one's own
/// experiments, import, score, transfer and generate; also everything else (others' experiments, keys, server paths).</summary>
[GenerateSerializer, Alias("activeit.Role")]
public enum Role
{
    Reader,
    Researcher,
    Admin,
}
