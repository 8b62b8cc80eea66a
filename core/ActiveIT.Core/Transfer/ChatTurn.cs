namespace ActiveIT.Core.Transfer;

/// <summary>One chat message.</summary>
public sealed record ChatTurn(string Role, string Content);
