namespace ActiveIT.Grains;

/// <summary>Pool and experiment names appear in URLs and file names: letters, digits, '-', '_' and '.', 1–100 characters, not "." or "..".</summary>
public static class NameRule
{
    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= 100 } && name is not ("." or "..") && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
