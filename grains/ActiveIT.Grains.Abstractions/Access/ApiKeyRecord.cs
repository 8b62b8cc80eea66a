namespace ActiveIT.Grains.Access;

/// <summary>An API key as stored: never the key itself, only its SHA-256 (the directory's dictionary key) and the first
/// 16 hex digits of it as the id people and logs may see.</summary>
[GenerateSerializer, Immutable, Alias("activeit.ApiKeyRecord")]
public sealed record ApiKeyRecord(string Id, string User, Role Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);
