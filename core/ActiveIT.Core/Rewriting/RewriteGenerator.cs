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
    /// <paramref name="count"/> distinct rules (pattern ≠ replacement) that <paramref name="allowed"/> accepts (all, when
    /// null); constrained patterns use block lengths from <paramref name="blocks"/> (any, when null). Lengths are drawn
    /// as methods.md §3 says; <paramref name="strings"/> then draws a string of that length (uniform letters, when null),
    /// so a <see cref="StringReserve"/> can choose which strings a side uses without changing its lengths. Rules are
    /// accepted in order, so with the same stream and a filter that does not depend on the count, the first n of a
    /// larger draw are the draw of n. Throws when the rule space is too small to hold them.
    /// </summary>
    public IReadOnlyList<RewriteRule> Rules(int count, SeededRandom random, Func<RewriteRule, bool>? allowed = null, BlockLengths? blocks = null,
        Func<int, SeededRandom, string>? strings = null)
    {
        strings ??= RandomString;
        var seen = new HashSet<RewriteRule>();
        var rules = new List<RewriteRule>(count);
        var misses = 0;
        while (rules.Count < count)
        {
            var rule = new RewriteRule(Pattern(random, blocks ?? BlockLengths.Any, strings),
                strings(random.NextInt(_options.MinReplacementLength, _options.MaxReplacementLength), random));
            if (rule.Pattern != rule.Replacement && (allowed is null || allowed(rule)) && seen.Add(rule))
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

    private string Pattern(SeededRandom random, BlockLengths blocks, Func<int, SeededRandom, string> strings)
    {
        if (_options.Shape == PatternShape.Random)
        {
            return strings(random.NextInt(_options.MinPatternLength, _options.MaxPatternLength), random);
        }
        // A shape needs two blocks to show itself, so k ≤ MaxPatternLength / 2; lengths are whole blocks where the range allows.
        var maxK = Math.Min(blocks.Max, _options.MaxPatternLength / 2);
        if (maxK < blocks.Min)
        {
            throw new ArgumentException($"rewrite generator: MaxPatternLength {_options.MaxPatternLength} is too short for {_options.Shape} patterns " +
                $"with block length {blocks.Min} (needs at least {2 * blocks.Min})", nameof(RewriteGeneratorOptions.MaxPatternLength));
        }
        var k = random.NextInt(blocks.Min, maxK);
        var minLength = Math.Max(_options.MinPatternLength, 2 * k);
        var wholeBlocks = Enumerable.Range(minLength, Math.Max(0, _options.MaxPatternLength - minLength + 1)).Where(l => l % k == 0).ToArray();
        var length = wholeBlocks.Length > 0 ? wholeBlocks[random.NextInt(wholeBlocks.Length)] : random.NextInt(minLength, _options.MaxPatternLength);
        var units = (length + k - 1) / k;
        var text = new System.Text.StringBuilder(units * k);
        switch (_options.Shape)
        {
            case PatternShape.Repeated:
                // Neighbouring letters differ, so every run is exactly k long.
                var previous = '\0';
                for (var u = 0; u < units; u++)
                {
                    char letter;
                    do
                    {
                        letter = _alphabet[random.NextInt(_alphabet.Length)];
                    }
                    while (letter == previous);
                    text.Append(letter, k);
                    previous = letter;
                }
                break;
            case PatternShape.Periodic:
                var block = PrimitiveBlock(k, random);
                for (var u = 0; u < units; u++)
                {
                    text.Append(block);
                }
                break;
            case PatternShape.Mirrored:
                var forward = RandomString(k, random);
                var backward = new string([.. forward.Reverse()]);
                for (var u = 0; u < units; u++)
                {
                    text.Append(u % 2 == 0 ? forward : backward);
                }
                break;
        }
        return text.ToString(0, length);
    }

    /// <summary>A block whose smallest period is its whole length (so <c>abab</c> is never a block of 4).</summary>
    private string PrimitiveBlock(int k, SeededRandom random)
    {
        while (true)
        {
            var block = RandomString(k, random);
            if (Enumerable.Range(1, k - 1).All(q => k % q != 0 || block[q..] + block[..q] != block))
            {
                return block;
            }
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
