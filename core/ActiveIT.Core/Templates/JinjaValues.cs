using System.Collections;
using System.Globalization;

namespace ActiveIT.Core.Templates;

/// <summary>Python-flavoured semantics for Jinja values: strings, long/double, bool, null, lists, dicts and builtins.</summary>
internal static class JinjaValues
{
    public delegate object? Builtin(object?[] args);

    /// <summary>
    /// While a template that asked for it renders (<see cref="JinjaOptions.LenientUndefined"/>), a missing name, key or
    /// field is <see cref="Undefined"/> — false, empty text, not defined — as in Jinja's default mode; otherwise an error.
    /// </summary>
    [ThreadStatic]
    internal static bool Lenient;

    /// <summary>Jinja's undefined value.</summary>
    internal sealed class Undefined
    {
        public static readonly Undefined Value = new();

        private Undefined()
        {
        }
    }

    internal static object? Missing(string name) => Lenient ? Undefined.Value : throw new JinjaException($"template refers to field '{name}', which the data lacks");

    public static object? LookupBuiltin(string name) => name switch
    {
        "range" => (Builtin)(args => args.Length switch
        {
            1 => LongRange(0, ToLong(args[0])),
            2 => LongRange(ToLong(args[0]), ToLong(args[1])),
            _ => throw new JinjaException("range() takes 1 or 2 arguments here"),
        }),
        "zip" => (Builtin)(args =>
        {
            var lists = args.Select(AsList).ToArray();
            var n = lists.Length == 0 ? 0 : lists.Min(l => l.Count);
            return Enumerable.Range(0, n).Select(i => (object?)lists.Select(l => l[i]).ToList()).ToList();
        }),
        "len" => (Builtin)(args => (long)Length(args[0])),
        // Chat templates call it to refuse a conversation they cannot render (e.g. roles out of order).
        "raise_exception" => (Builtin)(args => throw new JinjaException($"{JinjaException.Refused} {(args.Length > 0 ? Str(args[0]) : "")}")),
        _ => null,
    };

    private static List<object?> LongRange(long start, long stop) => [.. Enumerable.Range(0, (int)Math.Max(0, stop - start)).Select(i => (object?)(start + i))];

    public static bool Truthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        ICollection c => c.Count > 0,
        _ => true,
    };

    public static string Str(object? v) => v switch
    {
        null => "None",
        Undefined => "",
        bool b => b ? "True" : "False",
        string s => s,
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        IDictionary<string, object?> d => "{" + string.Join(", ", d.Select(p => $"'{p.Key}': {Repr(p.Value)}")) + "}",
        IList l => "[" + string.Join(", ", l.Cast<object?>().Select(Repr)) + "]",
        _ => v.ToString() ?? "",
    };

    private static string Repr(object? v) => v is string s ? $"'{s}'" : Str(v);

    public static bool Equal(object? a, object? b) => (a, b) switch
    {
        (long x, double y) => x == y,
        (double x, long y) => x == y,
        (IList x, IList y) => x.Count == y.Count && x.Cast<object?>().Zip(y.Cast<object?>()).All(p => Equal(p.First, p.Second)),
        _ => Equals(a, b),
    };

    public static bool Contains(object? container, object? item) => container switch
    {
        string s => s.Contains(Str(item), StringComparison.Ordinal),
        IDictionary<string, object?> d => d.ContainsKey(Str(item)),
        IList l => l.Cast<object?>().Any(x => Equal(x, item)),
        _ => throw new JinjaException($"'in' needs a string, list or dict, not {TypeName(container)}"),
    };

    public static bool Compare(object? a, object? b, string op)
    {
        var c = (a, b) switch
        {
            (string x, string y) => string.CompareOrdinal(x, y),
            _ => ToDouble(a).CompareTo(ToDouble(b)),
        };
        return op switch { "<" => c < 0, ">" => c > 0, "<=" => c <= 0, _ => c >= 0 };
    }

    public static object? Arithmetic(object? a, object? b, string op)
    {
        if (op == "+" && (a is string || b is string))
        {
            return a is string sa && b is string sb ? sa + sb : throw new JinjaException($"cannot add {TypeName(a)} and {TypeName(b)}");
        }
        if (op == "+" && a is IList la && b is IList lb)
        {
            return la.Cast<object?>().Concat(lb.Cast<object?>()).ToList();
        }
        if (a is long x && b is long y && op != "/")
        {
            return op switch
            {
                "+" => x + y, "-" => x - y, "*" => x * y,
                "//" => (long)Math.Floor((double)x / y), "%" => ((x % y) + y) % y,
                _ => throw new JinjaException($"unknown operator {op}"),
            };
        }
        var (p, q) = (ToDouble(a), ToDouble(b));
        return op switch
        {
            "+" => p + q, "-" => p - q, "*" => p * q, "/" => p / q, "//" => Math.Floor(p / q), "%" => p - q * Math.Floor(p / q),
            _ => throw new JinjaException($"unknown operator {op}"),
        };
    }

    public static object? Attribute(object? target, string name) => target switch
    {
        IDictionary<string, object?> d when d.TryGetValue(name, out var v) => v,
        IDictionary<string, object?> => Missing(name),
        _ => throw new JinjaException($"{TypeName(target)} has no attribute '{name}'"),
    };

    public static object? Index(object? target, object? index)
    {
        switch (target)
        {
            case IDictionary<string, object?> d:
                return d.TryGetValue(Str(index), out var v) ? v : Missing(Str(index));
            case string s:
                return s[Position(s.Length, index)].ToString();
            case IList l:
                return l[Position(l.Count, index)];
            default:
                throw new JinjaException($"cannot index {TypeName(target)}");
        }
    }

    private static int Position(int count, object? index)
    {
        var i = (int)ToLong(index);
        var p = i < 0 ? count + i : i;
        return p >= 0 && p < count ? p : throw new JinjaException($"index {i} out of range for length {count}");
    }

    public static object? Slice(object? target, object? start, object? stop)
    {
        var count = Length(target);
        int Clamp(object? v, int fallback) => v is null ? fallback : Math.Clamp((int)ToLong(v) < 0 ? count + (int)ToLong(v) : (int)ToLong(v), 0, count);
        var (a, b) = (Clamp(start, 0), Clamp(stop, count));
        b = Math.Max(a, b);
        return target is string s ? s[a..b] : AsList(target).GetRange(a, b - a);
    }

    public static object? Call(object? target, object?[] args) =>
        target is Builtin f ? f(args) : throw new JinjaException($"{TypeName(target)} is not callable");

    public static object? CallMethod(object? target, string name, object?[] args)
    {
        switch (target, name)
        {
            case (string s, "lower"): return s.ToLowerInvariant();
            case (string s, "upper"): return s.ToUpperInvariant();
            case (string s, "strip"): return args.Length == 0 ? s.Trim() : s.Trim(Str(args[0]).ToCharArray());
            case (string s, "lstrip"): return s.TrimStart();
            case (string s, "rstrip"): return s.TrimEnd();
            case (string s, "capitalize"): return s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();
            case (string s, "title"): return CultureInfo.InvariantCulture.TextInfo.ToTitleCase(s.ToLowerInvariant());
            case (string s, "replace"): return s.Replace(Str(args[0]), Str(args[1]), StringComparison.Ordinal);
            case (string s, "startswith"): return s.StartsWith(Str(args[0]), StringComparison.Ordinal);
            case (string s, "endswith"): return s.EndsWith(Str(args[0]), StringComparison.Ordinal);
            case (string s, "split"):
                return args.Length == 0 || args[0] is null
                    ? s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(p => (object?)p).ToList()
                    : s.Split(Str(args[0])).Select(p => (object?)p).ToList();
            case (string s, "join"): return string.Join(s, AsList(args[0]).Select(Str));
            case (IDictionary<string, object?> d, "update"):
                foreach (var (k, v) in (IDictionary<string, object?>)args[0]!)
                {
                    d[k] = v;
                }
                return null;
            case (IDictionary<string, object?> d, "get"): return d.TryGetValue(Str(args[0]), out var value) ? value : args.Length > 1 ? args[1] : null;
            case (IDictionary<string, object?> d, "keys"): return d.Keys.Select(k => (object?)k).ToList();
            case (IDictionary<string, object?> d, "values"): return d.Values.ToList();
            case (IDictionary<string, object?> d, "items"): return d.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList();
            default: throw new JinjaException($"{TypeName(target)} has no method '{name}'");
        }
    }

    public static List<object?> AsList(object? v) => v switch
    {
        List<object?> l => l,
        string s => s.Select(c => (object?)c.ToString()).ToList(),
        IDictionary<string, object?> d => d.Keys.Select(k => (object?)k).ToList(),
        IEnumerable e => e.Cast<object?>().ToList(),
        _ => throw new JinjaException($"{TypeName(v)} is not a sequence"),
    };

    public static int Length(object? v) => v switch
    {
        string s => s.Length,
        ICollection c => c.Count,
        _ => throw new JinjaException($"{TypeName(v)} has no length"),
    };

    public static long ToLong(object? v) => v switch
    {
        long l => l,
        double d => (long)d,
        bool b => b ? 1 : 0,
        string s when long.TryParse(s.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => l,
        _ => throw new JinjaException($"not an integer: {Str(v)}"),
    };

    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new JinjaException($"not a number: {Str(v)}"),
    };

    public static string TypeName(object? v) => v switch
    {
        null => "None",
        string => "a string",
        long or double => "a number",
        bool => "a boolean",
        IDictionary<string, object?> => "a dict",
        IList => "a list",
        _ => v.GetType().Name,
    };
}
