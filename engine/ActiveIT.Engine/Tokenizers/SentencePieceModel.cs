using System.Text;

namespace ActiveIT.Engine.Tokenizers;

/// <summary>
/// Reads a SentencePiece tokenizer.model (its protobuf: pieces with scores and types, the trainer's model type, byte
/// fallback and special ids, the normalizer's options) into the <see cref="TokenizerJson"/> form Hugging Face converts
/// such models to, so a folder that ships only tokenizer.model (Llama 2, Mistral) encodes exactly as one that ships its
/// tokenizer.json. BPE only, with the identity normalizer and whitespace kept as it is (as those models are built);
/// anything else is an error naming the file and the field.
/// </summary>
public static class SentencePieceModel
{
    public const string FileName = "tokenizer.model";

    // SentencePiece's piece types that matter here (the others: unknown, unused, byte — all plain vocabulary).
    private const int Normal = 1, Control = 3, UserDefined = 4;

    public static TokenizerJson Load(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new EngineException($"{path}: no such tokenizer file");
        }
        EngineException Unsupported(string field, string what) => new($"{path}: field '{field}' {what}");
        var pieces = new List<(string Piece, float Score, int Type)>();
        int modelType = 1, unkId = 0, bosId = 1, eosId = 2;  // SentencePiece's defaults: Unigram, <unk> <s> </s>
        bool byteFallback = false, dummyPrefix = true, removeExtraSpaces = true, escapeSpaces = true;
        var normalizerName = "nmt_nfkc";
        var charsMap = 0;
        try
        {
            var model = new Reader(File.ReadAllBytes(path));
            while (model.Next(out var field, out var wire))
            {
                switch (field, wire)
                {
                    case (1, 2):
                        var piece = model.Message();
                        var (text, score, type) = ("", 0f, Normal);
                        while (piece.Next(out var f, out var w))
                        {
                            switch (f, w)
                            {
                                case (1, 2): text = piece.Text(); break;
                                case (2, 5): score = piece.Float(); break;
                                case (3, 0): type = (int)piece.Varint(); break;
                                default: piece.Skip(w); break;
                            }
                        }
                        pieces.Add((text, score, type));
                        break;
                    case (2, 2):
                        var trainer = model.Message();
                        while (trainer.Next(out var f, out var w))
                        {
                            switch (f, w)
                            {
                                case (3, 0): modelType = (int)trainer.Varint(); break;
                                case (35, 0): byteFallback = trainer.Varint() != 0; break;
                                case (40, 0): unkId = (int)trainer.Varint(); break;
                                case (41, 0): bosId = (int)trainer.Varint(); break;
                                case (42, 0): eosId = (int)trainer.Varint(); break;
                                default: trainer.Skip(w); break;
                            }
                        }
                        break;
                    case (3, 2):
                        var normalizer = model.Message();
                        while (normalizer.Next(out var f, out var w))
                        {
                            switch (f, w)
                            {
                                case (1, 2): normalizerName = normalizer.Text(); break;
                                case (2, 2): charsMap = normalizer.Message().Length; break;
                                case (3, 0): dummyPrefix = normalizer.Varint() != 0; break;
                                case (4, 0): removeExtraSpaces = normalizer.Varint() != 0; break;
                                case (5, 0): escapeSpaces = normalizer.Varint() != 0; break;
                                default: normalizer.Skip(w); break;
                            }
                        }
                        break;
                    default:
                        model.Skip(wire);
                        break;
                }
            }
        }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or DecoderFallbackException)
        {
            throw new EngineException($"{path}: not a SentencePiece model (its protobuf ends early or is malformed)");
        }
        if (pieces.Count == 0)
        {
            throw Unsupported("pieces", "is empty: not a SentencePiece model");
        }
        if (modelType != 2)
        {
            throw Unsupported("trainer_spec.model_type", $"is {(modelType == 1 ? "UNIGRAM" : modelType.ToString(System.Globalization.CultureInfo.InvariantCulture))}; only BPE models are read");
        }
        if (charsMap > 0 && normalizerName != "identity")
        {
            throw Unsupported("normalizer_spec.name", $"is '{normalizerName}'; only the identity normalizer is supported");
        }
        if (removeExtraSpaces || !escapeSpaces)
        {
            throw Unsupported(removeExtraSpaces ? "normalizer_spec.remove_extra_whitespaces" : "normalizer_spec.escape_whitespaces",
                $"is {(removeExtraSpaces ? "true" : "false")}; only models that keep whitespace as '▁' are supported");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        var added = new Dictionary<string, int>(StringComparer.Ordinal);
        var special = new HashSet<int>();
        for (var id = 0; id < pieces.Count; id++)
        {
            var (text, _, type) = pieces[id];
            if (type == Control)
            {
                added[text] = id;
                special.Add(id);
            }
            else
            {
                vocab.TryAdd(text, id);
                if (type == UserDefined)
                {
                    added[text] = id;
                }
            }
        }
        // Hugging Face's conversion: each split of a piece into two pieces is a merge, the higher the piece's score the earlier.
        var merges = new Dictionary<(string, string), int>();
        foreach (var (text, _, id) in pieces.Select((p, id) => (p.Piece, p.Score, id)).Where(p => pieces[p.id].Type == Normal && p.Piece.Length > 1)
                     .OrderByDescending(p => p.Score).ThenBy(p => p.id))
        {
            for (var k = 1; k < text.Length; k++)
            {
                if (vocab.ContainsKey(text[..k]) && vocab.ContainsKey(text[k..]))
                {
                    merges.TryAdd((text[..k], text[k..]), merges.Count);
                }
            }
        }
        var metaspace = new Metaspace(PrependEvery: false, PrependFirst: false, Legacy: dummyPrefix, byteFallback);
        int? Id(int id) => id >= 0 && id < pieces.Count ? id : null;
        return TokenizerJson.FromSentencePiece(path, vocab, merges, added, special, metaspace, Id(unkId), Id(bosId), Id(eosId));
    }

    /// <summary>Just enough of the protobuf wire format: fields, varints, 32-bit floats, length-delimited bytes.</summary>
    private sealed class Reader(ReadOnlyMemory<byte> data)
    {
        private int _at;

        public int Length => data.Length;

        public bool Next(out int field, out int wire)
        {
            if (_at >= data.Length)
            {
                (field, wire) = (0, 0);
                return false;
            }
            var key = Varint();
            (field, wire) = ((int)(key >> 3), (int)(key & 7));
            return true;
        }

        public ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = data.Span[_at++];
                value |= (ulong)(b & 0x7F) << shift;
                if (b < 0x80)
                {
                    return value;
                }
            }
        }

        public float Float()
        {
            var value = BitConverter.ToSingle(data.Span.Slice(_at, 4));
            _at += 4;
            return value;
        }

        public Reader Message()
        {
            var length = (int)Varint();
            var inner = new Reader(data.Slice(_at, length));
            _at += length;
            return inner;
        }

        public string Text()
        {
            var length = (int)Varint();
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(data.Span.Slice(_at, length));
            _at += length;
            return text;
        }

        public void Skip(int wire)
        {
            switch (wire)
            {
                case 0:
                    Varint();
                    break;
                case 1:
                    _at += 8;
                    break;
                case 2:
                    var length = (int)Varint();  // read first: the length's own bytes move the position
                    _at += length;
                    break;
                case 5:
                    _at += 4;
                    break;
                default:
                    throw new ArgumentException($"wire type {wire}");
            }
        }
    }
}
