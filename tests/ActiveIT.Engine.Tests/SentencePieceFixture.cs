using System.Text;
using System.Text.Json;

namespace ActiveIT.Engine.Tests;

/// <summary>
/// A small SentencePiece BPE vocabulary trained here (pair counts over a fixed corpus), written both as SentencePiece's
/// tokenizer.model (its protobuf, byte fallback on) and as the tokenizer.json Hugging Face converts it to (merges: every
/// split of a piece into two pieces, ranked by the piece's score) — in Llama 2's form (Prepend/Replace normalizer) or
/// with a Metaspace pre-tokenizer.
/// </summary>
internal static class SentencePieceFixture
{
    public const char Space = '\u2581';

    private static readonly string[] Corpus =
    [
        "the quick brown fox jumps over the lazy dog",
        "the dog and the fox are friends of the other dogs",
        "def main(args):\n    return the(args)\n\n    pass",
        "answer the question with yes or no",
        "translate the sentence into french",
    ];

    /// <summary>Pieces in id order with their scores: unk, s, /s, the 256 bytes, the corpus' characters, then merges.</summary>
    public static (List<(string Piece, float Score, int Type)> Pieces, int Specials) Train(int merges, string[]? corpus = null)
    {
        var words = (corpus ?? Corpus).Select(line => (Space + line.Replace(' ', Space)).EnumerateRunes().Select(r => r.ToString()).ToList()).ToList();
        var pieces = new List<(string, float, int)> { ("<unk>", 0, 2), ("<s>", 0, 3), ("</s>", 0, 3) };
        pieces.AddRange(Enumerable.Range(0, 256).Select(b => ($"<0x{b:X2}>", 0f, 6)));
        var specials = pieces.Count;
        var chars = words.SelectMany(w => w).Distinct().Order(StringComparer.Ordinal).ToList();
        pieces.AddRange(chars.Select((c, i) => (c, -1000f - i, 1)));
        var known = pieces.Select(p => p.Item1).ToHashSet(StringComparer.Ordinal);
        for (var m = 0; m < merges; m++)
        {
            var counts = new Dictionary<(string, string), int>();
            foreach (var w in words)
            {
                for (var i = 0; i < w.Count - 1; i++)
                {
                    counts[(w[i], w[i + 1])] = counts.GetValueOrDefault((w[i], w[i + 1])) + 1;
                }
            }
            var best = counts.Where(c => !known.Contains(c.Key.Item1 + c.Key.Item2)).OrderByDescending(c => c.Value)
                .ThenBy(c => c.Key.Item1 + "\u0001" + c.Key.Item2, StringComparer.Ordinal).First().Key;
            var merged = best.Item1 + best.Item2;
            known.Add(merged);
            pieces.Add((merged, -m, 1));
            foreach (var w in words)
            {
                for (var i = 0; i < w.Count - 1; i++)
                {
                    if (w[i] == best.Item1 && w[i + 1] == best.Item2)
                    {
                        w[i] = merged;
                        w.RemoveAt(i + 1);
                    }
                }
            }
        }
        return (pieces, specials);
    }

    public static void WriteModel(string path, List<(string Piece, float Score, int Type)> pieces)
    {
        var model = new MemoryStream();
        foreach (var (piece, score, type) in pieces)
        {
            var p = new MemoryStream();
            Bytes(p, 1, Encoding.UTF8.GetBytes(piece));
            Tag(p, 2, 5);
            p.Write(BitConverter.GetBytes(score));
            Varint(p, 3, (ulong)type);
            Bytes(model, 1, p.ToArray());
        }
        var trainer = new MemoryStream();
        Varint(trainer, 3, 2);  // model_type: BPE
        Varint(trainer, 4, (ulong)pieces.Count);  // vocab_size
        Varint(trainer, 35, 1);  // byte_fallback
        Varint(trainer, 40, 0);  // unk_id
        Varint(trainer, 41, 1);  // bos_id
        Varint(trainer, 42, 2);  // eos_id
        Varint(trainer, 43, ulong.MaxValue);  // pad_id: -1
        Bytes(model, 2, trainer.ToArray());
        var normalizer = new MemoryStream();
        Bytes(normalizer, 1, "identity"u8.ToArray());
        Varint(normalizer, 3, 1);  // add_dummy_prefix
        Varint(normalizer, 4, 0);  // remove_extra_whitespaces: off, as in Llama's model
        Varint(normalizer, 5, 1);  // escape_whitespaces
        Bytes(model, 3, normalizer.ToArray());
        File.WriteAllBytes(path, model.ToArray());
    }

    /// <summary>tokenizer.json for the same pieces; <paramref name="metaspace"/>: a Metaspace pre-tokenizer with this prepend_scheme instead of Llama 2's normalizer.</summary>
    public static void WriteJson(string folder, List<(string Piece, float Score, int Type)> pieces, string? metaspace = null)
    {
        var vocab = pieces.Select((p, id) => (p.Piece, id)).ToDictionary(p => p.Piece, p => p.id);
        var merges = pieces.Select((p, id) => (p.Piece, p.Score, id)).Where(p => p.Piece.Length > 1 && !p.Piece.StartsWith('<'))
            .OrderByDescending(p => p.Score).ThenBy(p => p.id)
            .SelectMany(p => Enumerable.Range(1, p.Piece.Length - 1).Select(k => (p.Piece[..k], p.Piece[k..])).Where(s => vocab.ContainsKey(s.Item1) && vocab.ContainsKey(s.Item2)))
            .Select(s => new[] { s.Item1, s.Item2 }).ToList();
        object? normalizer = metaspace is null
            ? new { type = "Sequence", normalizers = new object[] { new { type = "Prepend", prepend = Space.ToString() }, new { type = "Replace", pattern = new { String = " " }, content = Space.ToString() } } }
            : null;
        object? pre = metaspace is null ? null : new { type = "Metaspace", replacement = Space.ToString(), prepend_scheme = metaspace, split = false };
        var json = new
        {
            version = "1.0",
            added_tokens = new[] { ("<unk>", 0), ("<s>", 1), ("</s>", 2) }.Select(t => new { id = t.Item2, content = t.Item1, special = true, normalized = false }),
            normalizer,
            pre_tokenizer = pre,
            model = new { type = "BPE", unk_token = "<unk>", fuse_unk = true, byte_fallback = true, vocab, merges },
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), JsonSerializer.Serialize(json));
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"add_bos_token": true, "add_eos_token": false, "bos_token": "<s>", "eos_token": "</s>"}""");
    }

    private static void Tag(Stream s, int field, int wire) => Raw(s, (ulong)((field << 3) | wire));

    private static void Varint(Stream s, int field, ulong value)
    {
        Tag(s, field, 0);
        Raw(s, value);
    }

    private static void Bytes(Stream s, int field, byte[] value)
    {
        Tag(s, field, 2);
        Raw(s, (ulong)value.Length);
        s.Write(value);
    }

    private static void Raw(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        s.WriteByte((byte)value);
    }
}
