using System.Text;

namespace ActiveIT.Engine;

/// <summary>
/// Byte-level tokenizer: ids 0–255 are UTF-8 bytes, then four special tokens, so any text round-trips.
/// Vocabulary size 260.
/// </summary>
public static class ByteTokenizer
{
    public const int Pad = 256;
    public const int Bos = 257;
    public const int Eos = 258;
    public const int Sep = 259;
    public const int VocabSize = 260;

    public static int[] Encode(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var ids = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            ids[i] = bytes[i];
        }
        return ids;
    }

    /// <summary>How one token reads: ASCII as itself, specials by name, other bytes as vLLM writes them ("bytes:\xNN").</summary>
    public static string TokenText(int token) => token switch
    {
        Pad => "<|pad|>",
        Bos => "<|bos|>",
        Eos => "<|eos|>",
        Sep => "<|sep|>",
        >= 0 and < 128 => ((char)token).ToString(),
        _ => $"bytes:\\x{token:x2}",
    };

    /// <summary>Decodes byte ids, skipping special tokens; invalid UTF-8 becomes U+FFFD.</summary>
    public static string Decode(ReadOnlySpan<int> ids)
    {
        var bytes = new List<byte>(ids.Length);
        foreach (var id in ids)
        {
            if (id is >= 0 and < 256)
            {
                bytes.Add((byte)id);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
