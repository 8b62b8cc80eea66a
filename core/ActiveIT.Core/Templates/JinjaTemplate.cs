using System.Text;

namespace ActiveIT.Core.Templates;

/// <summary>
/// A Jinja2 template with the constructs PromptSource's templates use: <c>{{ expr }}</c>, <c>{% if/elif/else %}</c>,
/// <c>{% for a, b in xs if cond %}</c> (with <c>loop.index</c> and friends), <c>{% set %}</c>, comments and '-'
/// whitespace control. Names the data lacks are errors, not empty strings; <c>choice</c> draws from a seeded stream.
/// </summary>
public sealed class JinjaTemplate
{
    private readonly List<Node> _body;

    private readonly JinjaOptions _options;

    public JinjaTemplate(string source, JinjaOptions? options = null)
    {
        Source = source;
        _options = options ?? JinjaOptions.Strict;
        var pieces = JinjaLexer.Split(source, _options.TrimBlocks, _options.LstripBlocks);
        var position = 0;
        _body = ParseBlock(pieces, ref position, out var end);
        if (end is not null)
        {
            throw new JinjaException($"unexpected '{{% {end} %}}'");
        }
    }

    public string Source { get; }

    public string Render(IReadOnlyDictionary<string, object?> row, ulong seed = 0)
    {
        var output = new StringBuilder();
        var scope = new JinjaScope(row, null, new SeededRandom(seed));
        var lenient = JinjaValues.Lenient;
        JinjaValues.Lenient = _options.LenientUndefined;
        try
        {
            foreach (var node in _body)
            {
                node(scope, output);
            }
        }
        finally
        {
            JinjaValues.Lenient = lenient;
        }
        return output.ToString();
    }

    private delegate void Node(JinjaScope scope, StringBuilder output);

    /// <summary>Parses nodes until a closing statement (endif, elif, else, endfor) or the end; returns that statement.</summary>
    private static List<Node> ParseBlock(List<JinjaLexer.Piece> pieces, ref int position, out string? terminator)
    {
        var nodes = new List<Node>();
        while (position < pieces.Count)
        {
            var piece = pieces[position++];
            switch (piece.Kind)
            {
                case JinjaLexer.Kind.Text:
                    var text = piece.Content;
                    nodes.Add((_, output) => output.Append(text));
                    break;
                case JinjaLexer.Kind.Output:
                    var expression = JinjaExpression.ParseAll(piece.Content);
                    nodes.Add((scope, output) => output.Append(JinjaValues.Str(expression(scope))));
                    break;
                default:
                    var keyword = piece.Content.Split(' ', 2)[0];
                    var rest = piece.Content.Length > keyword.Length ? piece.Content[keyword.Length..].Trim() : "";
                    switch (keyword)
                    {
                        case "if":
                            nodes.Add(ParseIf(rest, pieces, ref position));
                            break;
                        case "for":
                            nodes.Add(ParseFor(rest, pieces, ref position));
                            break;
                        case "set":
                            var eq = rest.IndexOf('=');
                            if (eq < 0)
                            {
                                throw new JinjaException($"'set' needs 'name = value': {{% {piece.Content} %}}");
                            }
                            var name = rest[..eq].Trim();
                            var value = JinjaExpression.ParseAll(rest[(eq + 1)..]);
                            nodes.Add((scope, _) => scope.Set(name, value(scope)));
                            break;
                        case "endif" or "endfor" or "else" or "elif":
                            terminator = piece.Content;
                            return nodes;
                        default:
                            throw new JinjaException($"unsupported statement '{{% {piece.Content} %}}'");
                    }
                    break;
            }
        }
        terminator = null;
        return nodes;
    }

    private static Node ParseIf(string condition, List<JinjaLexer.Piece> pieces, ref int position)
    {
        var branches = new List<(Func<JinjaScope, object?> Condition, List<Node> Body)>();
        var current = JinjaExpression.ParseAll(condition);
        while (true)
        {
            var body = ParseBlock(pieces, ref position, out var end);
            branches.Add((current, body));
            if (end is null)
            {
                throw new JinjaException("'if' without 'endif'");
            }
            if (end == "endif")
            {
                break;
            }
            if (end == "else")
            {
                branches.Add((_ => true, ParseBlock(pieces, ref position, out var final)));
                if (final != "endif")
                {
                    throw new JinjaException("'else' without 'endif'");
                }
                break;
            }
            if (!end.StartsWith("elif", StringComparison.Ordinal))
            {
                throw new JinjaException($"'{end}' inside 'if'");
            }
            current = JinjaExpression.ParseAll(end[4..]);
        }
        return (scope, output) =>
        {
            foreach (var (test, body) in branches)
            {
                if (JinjaValues.Truthy(test(scope)))
                {
                    foreach (var node in body)
                    {
                        node(scope, output);
                    }
                    return;
                }
            }
        };
    }

    private static Node ParseFor(string header, List<JinjaLexer.Piece> pieces, ref int position)
    {
        var inAt = header.IndexOf(" in ", StringComparison.Ordinal);
        if (inAt < 0)
        {
            throw new JinjaException($"'for' needs 'targets in items': {{% for {header} %}}");
        }
        var targets = header[..inAt].Split(',').Select(t => t.Trim()).ToArray();
        var source = header[(inAt + 4)..];
        var items = JinjaExpression.Parse(source, out var consumed, stopAtIf: true);
        var tokens = JinjaExpression.Tokens(source);
        Func<JinjaScope, object?>? filter = null;
        if (consumed < tokens.Count)
        {
            if (tokens[consumed] != "if")
            {
                throw new JinjaException($"unexpected '{tokens[consumed]}' in {{% for {header} %}}");
            }
            filter = JinjaExpression.ParseAll(string.Join(' ', tokens.Skip(consumed + 1)));
        }
        var body = ParseBlock(pieces, ref position, out var end);
        List<Node>? otherwise = null;
        if (end == "else")
        {
            otherwise = ParseBlock(pieces, ref position, out end);
        }
        if (end != "endfor")
        {
            throw new JinjaException("'for' without 'endfor'");
        }
        return (scope, output) =>
        {
            var selected = new List<JinjaScope>();
            foreach (var item in JinjaValues.AsList(items(scope)))
            {
                var inner = scope.Child();
                Bind(inner, targets, item);
                if (filter is null || JinjaValues.Truthy(filter(inner)))
                {
                    selected.Add(inner);
                }
            }
            for (var i = 0; i < selected.Count; i++)
            {
                selected[i].Set("loop", new Dictionary<string, object?>
                {
                    ["index"] = (long)i + 1, ["index0"] = (long)i, ["first"] = i == 0, ["last"] = i == selected.Count - 1, ["length"] = (long)selected.Count,
                });
                foreach (var node in body)
                {
                    node(selected[i], output);
                }
            }
            if (selected.Count == 0 && otherwise is not null)
            {
                foreach (var node in otherwise)
                {
                    node(scope, output);
                }
            }
        };
    }

    private static void Bind(JinjaScope scope, string[] targets, object? item)
    {
        if (targets.Length == 1)
        {
            scope.Set(targets[0], item);
            return;
        }
        var values = JinjaValues.AsList(item);
        if (values.Count != targets.Length)
        {
            throw new JinjaException($"cannot unpack {values.Count} values into {targets.Length} names");
        }
        for (var i = 0; i < targets.Length; i++)
        {
            scope.Set(targets[i], values[i]);
        }
    }
}
