using System.Globalization;
using System.Text.Json;

namespace ActiveIT.Engine.Tokenizers;

/// <summary>
/// How a SentencePiece-style tokenizer.json turns text into its alphabet: spaces become "▁", and one "▁" goes before the
/// text — Llama 2's normalizer (Prepend "▁" then Replace " " → "▁", before every stretch between added tokens), or a
/// Metaspace pre-tokenizer (prepend_scheme "first": before the text's first stretch only; "always"; "never"; without
/// doubling a "▁" already there). <see cref="ByteFallback"/>: characters outside the vocabulary become byte tokens.
/// </summary>
internal sealed record Metaspace(bool PrependEvery, bool PrependFirst, bool Legacy, bool ByteFallback)
{
    public const char Space = '\u2581';

    /// <summary>Whether a "▁" is put before text at all (then decoding drops the leading space).</summary>
    public bool Prepends => PrependEvery || PrependFirst || Legacy;

    public string Apply(string text, bool first)
    {
        var replaced = text.Replace(' ', Space);
        if (Legacy)
        {
            return Space + replaced;  // Prepend runs before Replace: a leading space becomes a second "▁"
        }
        return (PrependEvery || (PrependFirst && first)) && !replaced.StartsWith(Space) ? Space + replaced : replaced;
    }

    public static string ByteToken(byte b) => $"<0x{b:X2}>";

    /// <summary>The byte a &lt;0xXX&gt; token stands for, or null for any other token.</summary>
    public static byte? ByteOf(string token) =>
        token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
        && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b) ? b : null;

    /// <summary>The Metaspace rule of a tokenizer.json, or null for a byte-level one; what it cannot follow is an error naming the field.</summary>
    public static Metaspace? Read(JsonElement root, JsonElement model, string path)
    {
        var byteFallback = model.TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True;
        EngineException Unsupported(string field, string what) => new($"{path}: field '{field}' {what}");
        var normalizer = root.TryGetProperty("normalizer", out var n) && n.ValueKind == JsonValueKind.Object ? n : (JsonElement?)null;
        var pre = root.TryGetProperty("pre_tokenizer", out var p) && p.ValueKind == JsonValueKind.Object ? p : (JsonElement?)null;
        if (normalizer is { } norm && Type(norm) == "Sequence" && norm.GetProperty("normalizers") is var steps
            && steps.GetArrayLength() == 2 && Type(steps[0]) == "Prepend" && steps[0].GetProperty("prepend").GetString() == Space.ToString()
            && Type(steps[1]) == "Replace" && steps[1].GetProperty("pattern").TryGetProperty("String", out var pattern) && pattern.GetString() == " "
            && steps[1].GetProperty("content").GetString() == Space.ToString())
        {
            if (pre is not null)
            {
                throw Unsupported("pre_tokenizer", "is set beside a Prepend/Replace normalizer; only one of them is supported");
            }
            return new Metaspace(PrependEvery: false, PrependFirst: false, Legacy: true, byteFallback);
        }
        if (pre is { } metaspace && Type(metaspace) == "Metaspace")
        {
            if (normalizer is not null)
            {
                throw Unsupported("normalizer", "is set beside a Metaspace pre-tokenizer; not supported");
            }
            if (metaspace.TryGetProperty("replacement", out var r) && r.GetString() != Space.ToString())
            {
                throw Unsupported("pre_tokenizer.replacement", $"is '{r.GetString()}'; only '{Space}' is supported");
            }
            if (metaspace.TryGetProperty("split", out var split) && split.ValueKind == JsonValueKind.True)
            {
                throw Unsupported("pre_tokenizer.split", "is true; only a Metaspace that keeps the text whole (split: false) is supported");
            }
            var scheme = metaspace.TryGetProperty("prepend_scheme", out var s) ? s.GetString()
                : metaspace.TryGetProperty("add_prefix_space", out var a) && a.ValueKind == JsonValueKind.False ? "never" : "always";
            return scheme switch
            {
                "first" => new Metaspace(PrependEvery: false, PrependFirst: true, Legacy: false, byteFallback),
                "always" => new Metaspace(PrependEvery: true, PrependFirst: false, Legacy: false, byteFallback),
                "never" => new Metaspace(PrependEvery: false, PrependFirst: false, Legacy: false, byteFallback),
                _ => throw Unsupported("pre_tokenizer.prepend_scheme", $"is '{scheme}'; first, always or never"),
            };
        }
        return byteFallback
            ? throw Unsupported("model.byte_fallback", "is true, but neither a Prepend/Replace normalizer nor a Metaspace pre-tokenizer turns spaces into '▁'")
            : null;
    }

    private static string? Type(JsonElement step) => step.TryGetProperty("type", out var t) ? t.GetString() : null;
}
