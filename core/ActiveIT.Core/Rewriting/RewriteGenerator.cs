namespace ActiveIT.Core.Rewriting;

/// <summary>Seeded generator of rewrite rules and examples, exactly as methods.md §3.</summary>
public sealed class RewriteGenerator
{
    private const int NoOpRejectionTries = 1000;
    private readonly RewriteGeneratorOptions _options;
    private readonly string _alphabet;

    public RewriteGenerator(RewriteGeneratorOptions options)
    {
        options.Validate();
        _options = options;
        _alphabet = options.Alphabet;
    }

    public RewriteGeneratorOptions Options => _options;

    /// <summary>
    /// <paramref name="count"/> distinct rules (pattern ≠ replacement) not in <paramref name="exclude"/>.
    /// Throws when the rule space is too small to hold them.
    /// </summary>
    public IReadOnlyList<RewriteRule> Rules(int count, SeededRandom random, IReadOnlySet<RewriteRule>? exclude = null)
    {
        var seen = new HashSet<RewriteRule>(exclude ?? new HashSet<RewriteRule>());
        var rules = new List<RewriteRule>(count);
        var misses = 0;
        while (rules.Count < count)
        {
            var rule = new RewriteRule(Pattern(random), RandomString(random.NextInt(_options.MinReplacementLength, _options.MaxReplacementLength), random));
            if (rule.Pattern != rule.Replacement && seen.Add(rule))
            {
                rules.Add(rule);
                misses = 0;
            }
            else if (++misses > 10_000)
            {
                throw new ArgumentException($"cannot draw {count} distinct rules: only {rules.Count} found; widen the alphabet or the pattern/replacement lengths");
            }
        }
        return rules;
    }

    /// <summary>An example of the rule; with probability NoOpShare the pattern does not occur (a no-op).</summary>
    public RewriteExample Example(RewriteRule rule, SeededRandom random) =>
        random.NextDouble() < _options.NoOpShare ? NoOpExample(rule, random) : HasOpExample(rule, random);

    /// <summary>The pattern inserted into random filler; the target comes from a real leftmost search, since the
    /// filler may hold an earlier accidental match.</summary>
    public RewriteExample HasOpExample(RewriteRule rule, SeededRandom random)
    {
        var filler = RandomString(_options.InputLength - rule.Pattern.Length, random);
        var at = random.NextInt(filler.Length + 1);
        var input = filler.Insert(at, rule.Pattern);
        return new RewriteExample(rule, input, rule.Apply(input));
    }

    /// <summary>A random string rejected while it contains the pattern. Where rejection keeps failing (a one-letter
    /// pattern over a tiny alphabet), the string is built letter by letter, never completing the pattern.</summary>
    public RewriteExample NoOpExample(RewriteRule rule, SeededRandom random)
    {
        for (var i = 0; i < NoOpRejectionTries; i++)
        {
            var candidate = RandomString(_options.InputLength, random);
            if (!rule.Matches(candidate))
            {
                return new RewriteExample(rule, candidate, candidate);
            }
        }
        var chars = new char[_options.InputLength];
        for (var i = 0; i < chars.Length; i++)
        {
            do
            {
                chars[i] = _alphabet[random.NextInt(_alphabet.Length)];
            }
            while (EndsWithPattern(chars, i + 1, rule.Pattern));
        }
        var input = new string(chars);
        return new RewriteExample(rule, input, input);
    }

    private static bool EndsWithPattern(char[] chars, int length, string pattern) =>
        length >= pattern.Length && chars.AsSpan(length - pattern.Length, pattern.Length).SequenceEqual(pattern);

    private string Pattern(SeededRandom random)
    {
        var length = random.NextInt(_options.MinPatternLength, _options.MaxPatternLength);
        switch (_options.Shape)
        {
            case PatternShape.Repeated:
                return new string(_alphabet[random.NextInt(_alphabet.Length)], length);
            case PatternShape.Periodic:
                // A block of 1..3 letters repeated at least twice, cut to the pattern length.
                var length2 = Math.Max(length, 2);
                var block = RandomString(random.NextInt(1, Math.Clamp(length2 / 2, 1, 3)), random);
                return string.Concat(Enumerable.Repeat(block, length2 / block.Length + 1))[..length2];
            case PatternShape.Mirrored:
                var half = RandomString((length + 1) / 2, random);
                var mirror = new string([.. half.Reverse()]);
                return half + (length % 2 == 1 ? mirror[1..] : mirror);
            default:
                return RandomString(length, random);
        }
    }

    private string RandomString(int length, SeededRandom random)
    {
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = _alphabet[random.NextInt(_alphabet.Length)];
        }
        return new string(chars);
    }
}
