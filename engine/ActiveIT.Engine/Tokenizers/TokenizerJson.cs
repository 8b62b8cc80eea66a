using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActiveIT.Core.Templates;
using ActiveIT.Engine.Checkpoints;

namespace ActiveIT.Engine.Tokenizers;

/// <summary>
/// A Hugging Face tokenizer.json with a byte-level BPE model, as GPT-2, Llama 3, Qwen 2.5 and SmolLM ship it: the text is
/// split at added tokens (read as their ids), then by the pre-tokenizer's regex (ByteLevel's own GPT-2 pattern, or a
/// Split pattern before a ByteLevel step), each piece's UTF-8 bytes are mapped to GPT-2's printable characters, and
/// merges are applied lowest rank first (a piece that is itself in the vocabulary is taken whole when the model says
/// ignore_merges). Or a SentencePiece-style BPE (Llama 2, Mistral, TinyLlama): spaces become "▁" (with one put before
/// the text, <see cref="Metaspace"/>), the whole text is one word of characters, a character outside the vocabulary
/// becomes its UTF-8 bytes as &lt;0xXX&gt; tokens (byte_fallback), and merges apply by rank. BOS and EOS come from
/// tokenizer_config.json beside it (generation_config.json for EOS where the config names none). Anything else is an
/// error naming the file and the field.
/// </summary>
public sealed class TokenizerJson : ITextTokenizer
{
    // GPT-2's pre-tokenizer pattern, which a ByteLevel step with use_regex applies.
    private const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private static readonly char[] ByteChar = BuildByteChars();
    private static readonly Dictionary<char, byte> CharByte = ByteChar.Select((c, b) => (c, b)).ToDictionary(x => x.c, x => (byte)x.b);

    private readonly Dictionary<string, int> _vocab;
    private readonly string[] _tokenOf;
    private readonly Dictionary<(string, string), int> _mergeRank;
    private readonly bool _ignoreMerges;
    private readonly bool _addPrefixSpace;
    private readonly Regex? _split;  // null for a SentencePiece-style model: its text is one word
    private readonly Regex? _added;
    private readonly Dictionary<string, int> _addedIds;
    private readonly HashSet<int> _special;
    private readonly Dictionary<string, int[]> _cache = [];
    private readonly Lazy<JinjaTemplate>? _chatTemplate;
    private readonly Metaspace? _metaspace;
    private readonly int? _unk;

    private TokenizerJson(string path, Dictionary<string, int> vocab, Dictionary<(string, string), int> mergeRank, bool ignoreMerges, bool addPrefixSpace,
        Regex? split, Dictionary<string, int> added, HashSet<int> special, int? bos, int eos, string? chatTemplate, Metaspace? metaspace = null, int? unk = null)
    {
        _metaspace = metaspace;
        _unk = unk;
        _chatTemplate = chatTemplate is null ? null : new Lazy<JinjaTemplate>(() => ParseChatTemplate(chatTemplate));
        Path = path;
        _vocab = vocab;
        _mergeRank = mergeRank;
        _ignoreMerges = ignoreMerges;
        _addPrefixSpace = addPrefixSpace;
        _split = split;
        _addedIds = added;
        _special = special;
        _added = added.Count == 0 ? null : new Regex(string.Join("|", added.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape)), RegexOptions.CultureInvariant);
        var size = Math.Max(vocab.Count == 0 ? 0 : vocab.Values.Max(), added.Count == 0 ? 0 : added.Values.Max()) + 1;
        _tokenOf = new string[size];
        foreach (var (token, id) in vocab)
        {
            _tokenOf[id] = token;
        }
        Bos = bos;
        Eos = eos;
    }

    /// <summary>The tokenizer.json this was read from: what a checkpoint saved from this model points back to.</summary>
    public string Path { get; }

    /// <summary>"tokenizer.json", or "tokenizer.model" for a SentencePiece model read into the same form (<see cref="SentencePieceModel"/>).</summary>
    public string Name { get; private init; } = ITextTokenizer.TokenizerJson;

    /// <summary>
    /// tokenizer_config.json's chat_template (the one named "default" where it lists several), or null. Parsed on first
    /// use: a template this engine cannot read fails chat requests (naming the construct), not the model's loading.
    /// </summary>
    public JinjaTemplate? ChatTemplate => _chatTemplate?.Value;

    /// <summary>Where <see cref="ChatTemplate"/> comes from, for error messages.</summary>
    public string ChatTemplateSource => System.IO.Path.Combine(System.IO.Path.GetDirectoryName(Path)!, "tokenizer_config.json");

    public int? Bos { get; }

    /// <summary>tokenizer_config.json's bos_token as text, whether or not prompts get it: what chat templates print as bos_token.</summary>
    public string BosText { get; private init; } = "";

    /// <summary>The normalizer is NFC: text is composed before it is split — where the runtime can (with invariant
    /// globalization, as ActiveIT runs, .NET leaves decomposed text as it is).</summary>
    private bool Nfc { get; init; }
    public int Eos { get; }

    /// <summary>
    /// A SentencePiece BPE vocabulary as the tokenizer.json Hugging Face converts it to: pieces as the vocabulary,
    /// control and user-defined pieces as added tokens, every split of a piece into two pieces a merge ranked by the
    /// piece's score; BOS and EOS from the files beside it, else the model's own.
    /// </summary>
    internal static TokenizerJson FromSentencePiece(string path, Dictionary<string, int> vocab, Dictionary<(string, string), int> merges,
        Dictionary<string, int> added, HashSet<int> special, Metaspace metaspace, int? unk, int? modelBos, int? modelEos)
    {
        var folder = System.IO.Path.GetDirectoryName(path)!;
        var configured = File.Exists(System.IO.Path.Combine(folder, "tokenizer_config.json"));
        var (bos, bosText, eos) = BosAndEos(folder, vocab, added, postProcessorBos: null, defaultEos: modelEos);
        return new TokenizerJson(path, vocab, merges, ignoreMerges: false, addPrefixSpace: false, split: null, added, special,
            configured ? bos : modelBos, eos, ReadChatTemplate(folder), metaspace, unk)
        {
            Name = SentencePieceModel.FileName,
            BosText = bosText,
        };
    }

    /// <summary>Reads tokenizer.json (and tokenizer_config.json, generation_config.json beside it).</summary>
    public static TokenizerJson Load(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        try
        {
            return Read(path);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            // A field of the wrong JSON type or missing where the format requires it.
            throw new EngineException($"{path} (or tokenizer_config.json / generation_config.json beside it): a field is missing or of the wrong type: {e.Message}");
        }
    }

    private static TokenizerJson Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new EngineException($"{path}: no such tokenizer file");
        }
        using (var document = JsonFile.Parse(path))
        {
            var root = document.RootElement;
            EngineException Unsupported(string field, string what) => new($"{path}: field '{field}' {what}");
            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            {
                throw Unsupported("model", "is missing");
            }
            var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type != "BPE")
            {
                throw Unsupported("model.type", $"is '{type}'; only byte-level BPE is read");
            }
            var metaspace = Metaspace.Read(root, model, path);
            var nfc = false;
            if (metaspace is null && root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind != JsonValueKind.Null)
            {
                nfc = normalizer.TryGetProperty("type", out var nt) && nt.GetString() == "NFC"
                    ? true : throw Unsupported("normalizer", $"is {normalizer.GetRawText()}; only none or NFC (or a SentencePiece-style Prepend and Replace) is supported");
            }
            var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var entry in Required(model, "vocab", path, "model.vocab").EnumerateObject())
            {
                vocab[entry.Name] = entry.Value.TryGetInt32(out var id) && id >= 0 ? id : throw Unsupported($"model.vocab.{entry.Name}", "must be a non-negative integer");
            }
            var merges = new Dictionary<(string, string), int>();
            var rank = 0;
            foreach (var merge in Required(model, "merges", path, "model.merges").EnumerateArray())
            {
                (string, string) pair = merge.ValueKind switch
                {
                    JsonValueKind.String when merge.GetString()!.Split(' ') is [var a, var b] => (a, b),
                    JsonValueKind.Array when merge.GetArrayLength() == 2 => (merge[0].GetString()!, merge[1].GetString()!),
                    _ => throw Unsupported($"model.merges[{rank}]", "must be \"left right\" or [left, right]"),
                };
                merges.TryAdd(pair, rank++);
            }
            var ignoreMerges = model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True;
            var (split, prefixSpace) = metaspace is null ? PreTokenizer(root, path) : (null, false);
            int? unk = model.TryGetProperty("unk_token", out var unkToken) && unkToken.ValueKind == JsonValueKind.String && vocab.TryGetValue(unkToken.GetString()!, out var u)
                ? u : null;
            var added = new Dictionary<string, int>(StringComparer.Ordinal);
            var special = new HashSet<int>();
            if (root.TryGetProperty("added_tokens", out var addedTokens) && addedTokens.ValueKind == JsonValueKind.Array)
            {
                foreach (var token in addedTokens.EnumerateArray())
                {
                    var id = token.GetProperty("id").GetInt32();
                    added[token.GetProperty("content").GetString()!] = id;
                    if (token.TryGetProperty("special", out var s) && s.ValueKind == JsonValueKind.True)
                    {
                        special.Add(id);
                    }
                }
            }
            var folder = System.IO.Path.GetDirectoryName(path)!;
            var (bos, bosText, eos) = BosAndEos(folder, vocab, added, PostProcessorBos(root));
            return new TokenizerJson(path, vocab, merges, ignoreMerges, prefixSpace, split, added, special, bos, eos, ReadChatTemplate(folder), metaspace, unk)
            {
                BosText = bosText,
                Nfc = nfc,
            };
        }
    }

    public int[] Encode(string text)
    {
        var ids = new List<int>();
        var at = 0;
        if (_added is not null)
        {
            foreach (Match m in _added.Matches(text))
            {
                EncodePlain(text[at..m.Index], ids, at == 0);
                ids.Add(_addedIds[m.Value]);
                at = m.Index + m.Length;
            }
        }
        EncodePlain(text[at..], ids, at == 0);
        return [.. ids];
    }

    public string Decode(ReadOnlySpan<int> ids)
    {
        var bytes = new List<byte>();
        foreach (var id in ids)
        {
            if (id < 0 || id >= _tokenOf.Length || _special.Contains(id))
            {
                continue;
            }
            AppendBytes(id, bytes);
        }
        var text = Encoding.UTF8.GetString([.. bytes]);
        // The space a Metaspace put before the text is not the text's (Hugging Face's decoders strip it too).
        return _metaspace is { Prepends: true } && text.StartsWith(' ') ? text[1..] : text;
    }

    public string TokenText(int id)
    {
        var added = _addedIds.FirstOrDefault(p => p.Value == id).Key;
        if (added is not null)
        {
            return added;
        }
        var bytes = new List<byte>();
        AppendBytes(id, bytes);
        return Encoding.UTF8.GetString([.. bytes]);
    }

    private void AppendBytes(int id, List<byte> bytes)
    {
        if (id < 0 || id >= _tokenOf.Length || _tokenOf[id] is not { } token)
        {
            var added = _addedIds.FirstOrDefault(p => p.Value == id).Key;
            bytes.AddRange(Encoding.UTF8.GetBytes(added ?? ""));
            return;
        }
        if (_metaspace is not null)
        {
            if (Metaspace.ByteOf(token) is { } b)
            {
                bytes.Add(b);
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(token.Replace(Metaspace.Space, ' ')));
            }
            return;
        }
        foreach (var c in token)
        {
            if (CharByte.TryGetValue(c, out var b))
            {
                bytes.Add(b);
            }
        }
    }

    private void EncodePlain(string text, List<int> ids, bool first)
    {
        if (text.Length == 0)
        {
            return;
        }
        if (_metaspace is not null)
        {
            ids.AddRange(EncodeMetaspace(_metaspace.Apply(text, first)));
            return;
        }
        if (Nfc)
        {
            text = text.Normalize(NormalizationForm.FormC);
        }
        if (_addPrefixSpace && !text.StartsWith(' '))
        {
            text = " " + text;
        }
        foreach (Match piece in _split!.Matches(text))
        {
            var mapped = string.Concat(Encoding.UTF8.GetBytes(piece.Value).Select(b => ByteChar[b]));
            lock (_cache)
            {
                if (!_cache.TryGetValue(mapped, out var word))
                {
                    word = Merge(mapped);
                    if (_cache.Count < 100_000)
                    {
                        _cache[mapped] = word;
                    }
                }
                ids.AddRange(word);
            }
        }
    }

    /// <summary>
    /// SentencePiece-style BPE on a whole text: its characters (a character outside the vocabulary as its UTF-8 bytes'
    /// &lt;0xXX&gt; tokens, or the unknown token without byte fallback), merged by rank.
    /// </summary>
    private int[] EncodeMetaspace(string text)
    {
        var symbols = new List<string>(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            var c = rune.ToString();
            if (_vocab.ContainsKey(c))
            {
                symbols.Add(c);
            }
            else if (_metaspace!.ByteFallback)
            {
                var buffer = new byte[4];
                var length = rune.EncodeToUtf8(buffer);
                symbols.AddRange(buffer[..length].Select(Metaspace.ByteToken));
            }
            else
            {
                symbols.Add(c);  // the unknown token, below
            }
        }
        return [.. SymbolMerge.Apply(symbols, _mergeRank).Select(s => _vocab.TryGetValue(s, out var id) ? id
            : _unk ?? throw new EngineException($"{Path}: '{s}' is not in the vocabulary and the model names no unk_token"))];
    }

    /// <summary>Byte-level BPE on one piece: merge the adjacent pair of lowest rank until none is in the merge list.</summary>
    private int[] Merge(string piece)
    {
        if (_ignoreMerges && _vocab.TryGetValue(piece, out var whole))
        {
            return [whole];
        }
        var symbols = piece.Select(c => c.ToString()).ToList();
        while (symbols.Count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i < symbols.Count - 1; i++)
            {
                if (_mergeRank.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < bestRank)
                {
                    (best, bestRank) = (i, rank);
                }
            }
            if (best < 0)
            {
                break;
            }
            symbols[best] += symbols[best + 1];
            symbols.RemoveAt(best + 1);
        }
        return [.. symbols.Select(s => _vocab.TryGetValue(s, out var id) ? id
            : throw new EngineException($"{Path}: the vocabulary lacks '{s}' (a byte-level BPE vocabulary holds all 256 bytes)"))];
    }

    /// <summary>The split regex and whether a space goes before the text, from the pre_tokenizer field.</summary>
    private static (Regex Split, bool PrefixSpace) PreTokenizer(JsonElement root, string path)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
        {
            throw new EngineException($"{path}: field 'pre_tokenizer' is missing; byte-level BPE needs a ByteLevel pre-tokenizer");
        }
        var steps = pre.GetProperty("type").GetString() == "Sequence" ? [.. pre.GetProperty("pretokenizers").EnumerateArray()] : new[] { pre };
        string? pattern = null;
        var byteLevel = false;
        var prefixSpace = false;
        for (var i = 0; i < steps.Length; i++)
        {
            var field = steps.Length == 1 ? "pre_tokenizer" : $"pre_tokenizer.pretokenizers[{i}]";
            var step = steps[i];
            switch (step.GetProperty("type").GetString())
            {
                case "Split" when !byteLevel && pattern is null:
                    if (!step.TryGetProperty("pattern", out var p) || !p.TryGetProperty("Regex", out var regex))
                    {
                        throw new EngineException($"{path}: field '{field}.pattern' must be a Regex");
                    }
                    var behavior = step.TryGetProperty("behavior", out var b) ? b.GetString() : null;
                    if (behavior != "Isolated" || (step.TryGetProperty("invert", out var inv) && inv.ValueKind == JsonValueKind.True))
                    {
                        throw new EngineException($"{path}: field '{field}.behavior' is '{behavior}'; only Isolated, not inverted, is supported");
                    }
                    pattern = regex.GetString();
                    break;
                case "ByteLevel" when !byteLevel:
                    byteLevel = true;
                    prefixSpace = step.TryGetProperty("add_prefix_space", out var ap) && ap.ValueKind == JsonValueKind.True;
                    var useRegex = !step.TryGetProperty("use_regex", out var ur) || ur.ValueKind != JsonValueKind.False;
                    if (useRegex && pattern is not null)
                    {
                        throw new EngineException($"{path}: field '{field}.use_regex' is true after a Split: two regex splits are not supported");
                    }
                    pattern ??= useRegex ? Gpt2Pattern : null;
                    break;
                default:
                    throw new EngineException($"{path}: field '{field}.type' is '{step.GetProperty("type").GetString()}' here; supported: [Split then] ByteLevel");
            }
        }
        if (!byteLevel)
        {
            throw new EngineException($"{path}: field 'pre_tokenizer' has no ByteLevel step");
        }
        try
        {
            return (new Regex(pattern ?? @"[\s\S]+", RegexOptions.CultureInvariant), prefixSpace);
        }
        catch (ArgumentException e)
        {
            throw new EngineException($"{path}: field 'pre_tokenizer' has a pattern .NET cannot read: {e.Message}");
        }
    }

    /// <summary>
    /// The special token tokenizer.json's post_processor puts before a single sequence (TemplateProcessing, alone or in a
    /// Sequence): how Llama 3 adds its BOS, where tokenizer_config.json says nothing of it.
    /// </summary>
    private static string? PostProcessorBos(JsonElement root)
    {
        if (!root.TryGetProperty("post_processor", out var post) || post.ValueKind != JsonValueKind.Object)
        {
            return null;
        }
        var steps = post.TryGetProperty("type", out var type) && type.GetString() == "Sequence" && post.TryGetProperty("processors", out var list)
            ? [.. list.EnumerateArray()] : new[] { post };
        foreach (var step in steps)
        {
            if (step.TryGetProperty("type", out var t) && t.GetString() == "TemplateProcessing" && step.TryGetProperty("single", out var single)
                && single.ValueKind == JsonValueKind.Array && single.GetArrayLength() > 0 && single[0].TryGetProperty("SpecialToken", out var first))
            {
                return first.GetProperty("id").GetString();
            }
        }
        return null;
    }

    /// <summary>
    /// BOS: tokenizer_config.json's add_bos_token when it says (with its bos_token), else the post_processor's leading
    /// special token (Llama 3); Qwen 2.5 has neither. EOS: tokenizer_config.json's eos_token, else generation_config.json's
    /// eos_token_id (the first, where it lists several).
    /// </summary>
    internal static (int? Bos, string BosText, int Eos) BosAndEos(string folder, Dictionary<string, int> vocab, Dictionary<string, int> added, string? postProcessorBos,
        int? defaultEos = null)
    {
        var configPath = System.IO.Path.Combine(folder, "tokenizer_config.json");
        int? Id(string token, string field, string file) => added.TryGetValue(token, out var a) ? a : vocab.TryGetValue(token, out var v) ? v
            : throw new EngineException($"{file}: field '{field}' names '{token}', which is not a token");
        int? bos = null, eos = null;
        var bosText = "";
        if (File.Exists(configPath))
        {
            using var config = JsonFile.Parse(configPath);
            var root = config.RootElement;
            static string? TokenName(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString() : e.ValueKind == JsonValueKind.Object && e.TryGetProperty("content", out var c) ? c.GetString() : null;
            var bosName = root.TryGetProperty("bos_token", out var b) ? TokenName(b) : null;
            bosText = bosName ?? "";
            var addBos = root.TryGetProperty("add_bos_token", out var ab) && ab.ValueKind is JsonValueKind.True or JsonValueKind.False ? ab.GetBoolean() : (bool?)null;
            if (addBos == true && bosName is not null)
            {
                bos = Id(bosName, "bos_token", configPath);
            }
            else if (addBos is null && postProcessorBos is not null)
            {
                bos = Id(postProcessorBos, "post_processor", System.IO.Path.Combine(folder, "tokenizer.json"));
            }
            if (root.TryGetProperty("eos_token", out var e) && TokenName(e) is { } eosName)
            {
                eos = Id(eosName, "eos_token", configPath);
            }
        }
        else if (postProcessorBos is not null)
        {
            bos = Id(postProcessorBos, "post_processor", System.IO.Path.Combine(folder, "tokenizer.json"));
            bosText = postProcessorBos;
        }
        var generationPath = System.IO.Path.Combine(folder, "generation_config.json");
        if (eos is null && File.Exists(generationPath))
        {
            using var generation = JsonFile.Parse(generationPath);
            if (generation.RootElement.TryGetProperty("eos_token_id", out var id))
            {
                var first = id.ValueKind == JsonValueKind.Array && id.GetArrayLength() > 0 ? id[0] : id;
                eos = first.TryGetInt32(out var n) ? n : throw new EngineException($"{generationPath}: field 'eos_token_id' must be a token id or a list of them");
            }
        }
        return (bos, bosText, eos ?? defaultEos ?? throw new EngineException($"{folder}: no end-of-sequence token (eos_token in tokenizer_config.json or eos_token_id in generation_config.json)"));
    }

    private JinjaTemplate ParseChatTemplate(string source)
    {
        try
        {
            return new JinjaTemplate(source, JinjaOptions.ChatTemplate);
        }
        catch (JinjaException e)
        {
            throw new ChatTemplateException($"{ChatTemplateSource}: field 'chat_template' is a template this engine cannot read: {e.Message}");
        }
    }

    private static string? ReadChatTemplate(string folder)
    {
        var configPath = System.IO.Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(configPath))
        {
            return null;
        }
        using var config = JsonFile.Parse(configPath);
        if (!config.RootElement.TryGetProperty("chat_template", out var t) || t.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return t.ValueKind switch
        {
            JsonValueKind.String => t.GetString()!,
            JsonValueKind.Array => t.EnumerateArray().FirstOrDefault(x => x.TryGetProperty("name", out var n) && n.GetString() == "default") is { ValueKind: JsonValueKind.Object } d
                ? d.GetProperty("template").GetString()! : throw new EngineException($"{configPath}: field 'chat_template' lists templates but none named 'default'"),
            _ => throw new EngineException($"{configPath}: field 'chat_template' must be a string or a list of named templates"),
        };
    }

    private static JsonElement Required(JsonElement parent, string name, string path, string field) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array ? value
            : throw new EngineException($"{path}: field '{field}' is missing");

    /// <summary>GPT-2's byte → character map: printable Latin-1 bytes stand for themselves, the rest for 256, 257, ….</summary>
    private static char[] BuildByteChars()
    {
        var chars = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            chars[b] = (char)(printable ? b : next++);
        }
        return chars;
    }
}
