using System.Text;

namespace ActiveIT.Core.Templates;

/// <summary>Splits a template into text, {{ output }}, {% statement %} pieces (comments dropped), honouring '-' whitespace control.</summary>
internal static class JinjaLexer
{
    public enum Kind { Text, Output, Statement }

    public readonly record struct Piece(Kind Kind, string Content, int Offset);

    /// <summary>
    /// <paramref name="trimBlocks"/>: the first newline after a statement or comment is dropped; <paramref name="lstripBlocks"/>:
    /// spaces and tabs between a line's start and a statement or comment are dropped (Jinja's trim_blocks and lstrip_blocks,
    /// which Hugging Face renders chat templates with).
    /// </summary>
    public static List<Piece> Split(string template, bool trimBlocks = false, bool lstripBlocks = false)
    {
        var pieces = new List<Piece>();
        var text = new StringBuilder();
        var i = 0;
        var trimNext = false;
        var textAtLineStart = true;  // the text being gathered began at a line's start
        while (i < template.Length)
        {
            var open = template.IndexOfAny(['{'], i);
            while (open >= 0 && (open + 1 >= template.Length || template[open + 1] is not ('{' or '%' or '#')))
            {
                open = template.IndexOf('{', open + 1);
            }
            var chunk = open < 0 ? template[i..] : template[i..open];
            if (trimNext)
            {
                chunk = chunk.TrimStart();
            }
            text.Append(chunk);
            if (open < 0)
            {
                break;
            }
            var closer = template[open + 1] switch { '{' => "}}", '%' => "%}", _ => "#}" };
            if (lstripBlocks && closer != "}}")
            {
                var current = text.ToString();
                var lineStart = current.LastIndexOf('\n') + 1;
                if ((lineStart > 0 || textAtLineStart) && current[lineStart..].All(c => c is ' ' or '\t'))
                {
                    text.Length = lineStart;
                }
            }
            var close = template.IndexOf(closer, open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new JinjaException($"unclosed '{template.Substring(open, 2)}' at offset {open}");
            }
            var inner = template[(open + 2)..close];
            if (inner.StartsWith('-'))
            {
                var trimmed = text.ToString().TrimEnd();
                text.Clear().Append(trimmed);
                inner = inner[1..];
            }
            trimNext = inner.EndsWith('-');
            if (trimNext)
            {
                inner = inner[..^1];
            }
            if (text.Length > 0)
            {
                pieces.Add(new Piece(Kind.Text, text.ToString(), open));
                text.Clear();
            }
            if (closer != "#}")
            {
                pieces.Add(new Piece(closer == "}}" ? Kind.Output : Kind.Statement, inner.Trim(), open));
            }
            i = close + 2;
            if (trimBlocks && closer != "}}" && !trimNext)
            {
                i += template.AsSpan(i).StartsWith("\r\n") ? 2 : template.AsSpan(i).StartsWith("\n") ? 1 : 0;
            }
            textAtLineStart = i == 0 || template[i - 1] == '\n';
        }
        if (text.Length > 0)
        {
            pieces.Add(new Piece(Kind.Text, text.ToString(), template.Length));
        }
        return pieces;
    }
}
