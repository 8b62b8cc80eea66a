using System.Globalization;

namespace ActiveIT.Core.Templates;

/// <summary>
/// Jinja expressions as PromptSource uses them: literals (strings, numbers, lists, dicts), names, attributes,
/// subscripts and slices, calls, filters, `not`/`and`/`or`, comparisons, `in`, arithmetic, `~`, and `a if c else b`.
/// Parsed into closures over a <see cref="JinjaScope"/>.
/// </summary>
internal sealed class JinjaExpression
{
    private readonly List<string> _tokens;
    private int _pos;

    private JinjaExpression(string source) => _tokens = Tokenize(source);

    public static Func<JinjaScope, object?> Parse(string source, out int consumed, bool stopAtIf = false)
    {
        var parser = new JinjaExpression(source);
        var expression = stopAtIf ? parser.Or() : parser.Conditional();
        consumed = parser._pos;
        return expression;
    }

    public static Func<JinjaScope, object?> ParseAll(string source)
    {
        var parser = new JinjaExpression(source);
        var expression = parser.Conditional();
        if (parser._pos != parser._tokens.Count)
        {
            throw new JinjaException($"unexpected '{parser._tokens[parser._pos]}' in '{source}'");
        }
        return expression;
    }

    /// <summary>The tokens of a statement, for the statement parser to take apart (e.g. "for a, b in …").</summary>
    public static List<string> Tokens(string source) => Tokenize(source);

    private string? Peek => _pos < _tokens.Count ? _tokens[_pos] : null;

    private bool Accept(string token)
    {
        if (Peek != token)
        {
            return false;
        }
        _pos++;
        return true;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw new JinjaException($"expected '{token}', found '{Peek ?? "end"}'");
        }
    }

    private Func<JinjaScope, object?> Conditional()
    {
        var value = Or();
        if (Peek == "if")
        {
            _pos++;
            var condition = Or();
            var otherwise = Accept("else") ? Conditional() : _ => "";
            return s => JinjaValues.Truthy(condition(s)) ? value(s) : otherwise(s);
        }
        return value;
    }

    private Func<JinjaScope, object?> Or()
    {
        var left = And();
        while (Accept("or"))
        {
            var (l, r) = (left, And());
            left = s => JinjaValues.Truthy(l(s)) ? l(s) : r(s);
        }
        return left;
    }

    private Func<JinjaScope, object?> And()
    {
        var left = Not();
        while (Accept("and"))
        {
            var (l, r) = (left, Not());
            left = s => JinjaValues.Truthy(l(s)) ? r(s) : l(s);
        }
        return left;
    }

    private Func<JinjaScope, object?> Not()
    {
        if (Accept("not"))
        {
            var inner = Not();
            return s => !JinjaValues.Truthy(inner(s));
        }
        return Comparison();
    }

    private Func<JinjaScope, object?> Comparison()
    {
        var left = Concat();
        while (true)
        {
            var op = Peek;
            if (op == "not" && _pos + 1 < _tokens.Count && _tokens[_pos + 1] == "in")
            {
                _pos += 2;
                var (l, r) = (left, Concat());
                left = s => !JinjaValues.Contains(r(s), l(s));
                continue;
            }
            if (op == "is")
            {
                _pos++;
                var negate = Accept("not");
                var test = _pos < _tokens.Count ? _tokens[_pos++] : throw new JinjaException("a test name must follow 'is'");
                var (value, check) = (left, Test(test));
                left = s => check(value, s) != negate;
                continue;
            }
            if (op is not ("==" or "!=" or "<" or ">" or "<=" or ">=" or "in"))
            {
                return left;
            }
            _pos++;
            var (a, b) = (left, Concat());
            left = op switch
            {
                "==" => s => JinjaValues.Equal(a(s), b(s)),
                "!=" => s => !JinjaValues.Equal(a(s), b(s)),
                "in" => s => JinjaValues.Contains(b(s), a(s)),
                _ => s => JinjaValues.Compare(a(s), b(s), op),
            };
        }
    }

    /// <summary>Jinja's tests (<c>x is defined</c>, <c>x is none</c>, …), as chat templates use them.</summary>
    private static Func<Func<JinjaScope, object?>, JinjaScope, bool> Test(string name) => name switch
    {
        "defined" => (value, s) => Defined(value, s),
        "undefined" => (value, s) => !Defined(value, s),
        "none" => (value, s) => Defined(value, s) && value(s) is null,
        "string" => (value, s) => value(s) is string,
        "number" => (value, s) => value(s) is long or double,
        "boolean" => (value, s) => value(s) is bool,
        "true" => (value, s) => value(s) is true,
        "false" => (value, s) => value(s) is false,
        "mapping" => (value, s) => value(s) is IDictionary<string, object?>,
        "sequence" or "iterable" => (value, s) => value(s) is System.Collections.IList or string or IDictionary<string, object?>,
        _ => throw new JinjaException($"unknown test 'is {name}'"),
    };

    private static bool Defined(Func<JinjaScope, object?> value, JinjaScope scope)
    {
        try
        {
            return value(scope) is not JinjaValues.Undefined;
        }
        catch (JinjaException e) when (e.Message.Contains("which the data lacks", StringComparison.Ordinal))
        {
            return false;
        }
    }

    private Func<JinjaScope, object?> Concat()
    {
        var left = Additive();
        while (Accept("~"))
        {
            var (l, r) = (left, Additive());
            left = s => JinjaValues.Str(l(s)) + JinjaValues.Str(r(s));
        }
        return left;
    }

    private Func<JinjaScope, object?> Additive()
    {
        var left = Multiplicative();
        while (Peek is "+" or "-")
        {
            var op = _tokens[_pos++];
            var (l, r) = (left, Multiplicative());
            left = s => JinjaValues.Arithmetic(l(s), r(s), op);
        }
        return left;
    }

    private Func<JinjaScope, object?> Multiplicative()
    {
        var left = Unary();
        while (Peek is "*" or "/" or "//" or "%")
        {
            var op = _tokens[_pos++];
            var (l, r) = (left, Unary());
            left = s => JinjaValues.Arithmetic(l(s), r(s), op);
        }
        return left;
    }

    private Func<JinjaScope, object?> Unary()
    {
        if (Accept("-"))
        {
            var inner = Unary();
            return s => JinjaValues.Arithmetic(0L, inner(s), "-");
        }
        return Filtered();
    }

    private Func<JinjaScope, object?> Filtered()
    {
        var value = Postfix();
        while (Accept("|"))
        {
            var name = Name();
            var args = Peek == "(" ? Arguments() : [];
            var inner = value;
            value = s => JinjaFilters.Apply(name, inner(s), [.. args.Select(a => a(s))], s);
        }
        return value;
    }

    private Func<JinjaScope, object?> Postfix()
    {
        var value = Primary();
        while (true)
        {
            if (Accept("."))
            {
                var member = Name();
                var target = value;
                if (Peek == "(")
                {
                    var args = Arguments();
                    value = s => JinjaValues.CallMethod(target(s), member, [.. args.Select(a => a(s))]);
                }
                else
                {
                    value = s => JinjaValues.Attribute(target(s), member);
                }
            }
            else if (Accept("["))
            {
                var target = value;
                Func<JinjaScope, object?>? start = Peek == ":" ? null : Conditional();
                if (Accept(":"))
                {
                    Func<JinjaScope, object?>? stop = Peek == "]" ? null : Conditional();
                    Expect("]");
                    value = s => JinjaValues.Slice(target(s), start?.Invoke(s), stop?.Invoke(s));
                }
                else
                {
                    Expect("]");
                    value = s => JinjaValues.Index(target(s), start!(s));
                }
            }
            else if (Peek == "(")
            {
                var target = value;
                var args = Arguments();
                value = s => JinjaValues.Call(target(s), [.. args.Select(a => a(s))]);
            }
            else
            {
                return value;
            }
        }
    }

    private List<Func<JinjaScope, object?>> Arguments()
    {
        Expect("(");
        var args = new List<Func<JinjaScope, object?>>();
        while (!Accept(")"))
        {
            args.Add(Conditional());
            if (Peek != ")")
            {
                Expect(",");
            }
        }
        return args;
    }

    private Func<JinjaScope, object?> Primary()
    {
        var token = Peek ?? throw new JinjaException("unexpected end of expression");
        _pos++;
        if (token == "(")
        {
            var inner = Conditional();
            if (Accept(","))
            {
                var items = new List<Func<JinjaScope, object?>> { inner };
                while (!Accept(")"))
                {
                    items.Add(Conditional());
                    Accept(",");
                }
                return s => items.Select(i => i(s)).ToList();
            }
            Expect(")");
            return inner;
        }
        if (token == "[")
        {
            var items = new List<Func<JinjaScope, object?>>();
            while (!Accept("]"))
            {
                items.Add(Conditional());
                if (Peek != "]")
                {
                    Expect(",");
                }
            }
            return s => items.Select(i => i(s)).ToList();
        }
        if (token == "{")
        {
            var entries = new List<(Func<JinjaScope, object?> Key, Func<JinjaScope, object?> Value)>();
            while (!Accept("}"))
            {
                var key = Conditional();
                Expect(":");
                entries.Add((key, Conditional()));
                if (Peek != "}")
                {
                    Expect(",");
                }
            }
            return s => entries.ToDictionary(e => JinjaValues.Str(e.Key(s)), e => e.Value(s));
        }
        if (token[0] is '"' or '\'')
        {
            var literal = Unescape(token[1..^1]);
            while (Peek is { } next && next[0] is '"' or '\'')  // adjacent literals concatenate, as in Python
            {
                literal += Unescape(next[1..^1]);
                _pos++;
            }
            return _ => literal;
        }
        if (char.IsDigit(token[0]))
        {
            object number = token.Contains('.') ? double.Parse(token, CultureInfo.InvariantCulture) : long.Parse(token, CultureInfo.InvariantCulture);
            return _ => number;
        }
        return token switch
        {
            "true" or "True" => _ => true,
            "false" or "False" => _ => false,
            "none" or "None" => _ => null,
            _ when IsName(token) => s => s.Lookup(token),
            _ => throw new JinjaException($"unexpected '{token}'"),
        };
    }

    private string Name()
    {
        var token = Peek;
        if (token is null || !IsName(token))
        {
            throw new JinjaException($"expected a name, found '{token ?? "end"}'");
        }
        _pos++;
        return token;
    }

    public static bool IsName(string token) => (char.IsLetter(token[0]) || token[0] == '_') && token.All(c => char.IsLetterOrDigit(c) || c == '_');

    private static string Unescape(string s) => s.Replace("\\n", "\n").Replace("\\t", "\t").Replace("\\'", "'").Replace("\\\"", "\"").Replace("\\\\", "\\");

    private static List<string> Tokenize(string source)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is '"' or '\'')
            {
                var j = i + 1;
                while (j < source.Length && source[j] != c)
                {
                    j += source[j] == '\\' ? 2 : 1;
                }
                if (j >= source.Length)
                {
                    throw new JinjaException($"unterminated string in '{source}'");
                }
                tokens.Add(source[i..(j + 1)]);
                i = j + 1;
            }
            else if (char.IsDigit(c))
            {
                var j = i;
                while (j < source.Length && (char.IsDigit(source[j]) || (source[j] == '.' && j + 1 < source.Length && char.IsDigit(source[j + 1]))))
                {
                    j++;
                }
                tokens.Add(source[i..j]);
                i = j;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var j = i;
                while (j < source.Length && (char.IsLetterOrDigit(source[j]) || source[j] == '_'))
                {
                    j++;
                }
                tokens.Add(source[i..j]);
                i = j;
            }
            else
            {
                var two = i + 1 < source.Length ? source.Substring(i, 2) : "";
                var op = two is "==" or "!=" or "<=" or ">=" or "//" ? two : c.ToString();
                tokens.Add(op);
                i += op.Length;
            }
        }
        return tokens;
    }
}
