namespace ActiveIT.Grains.Persistence;

/// <summary>A grain's state as stored: its JSON and the ETag of that version.</summary>
public sealed record StoredState(string Json, string Etag);
