namespace ActiveIT.Core.Rewriting;

/// <summary>
/// The strings kept out of training under <see cref="UnseenSplit.Strings"/>, drawn per seed and stratified by length:
/// of the strings of each length L ≥ 1, a fixed share (at least one, and at least one left for training) is reserved
/// for test rules. Test rules take their strings from the reserve and training rules from the rest, both at lengths
/// drawn exactly as the generator draws them, so the two sides keep the same length and operation (deletion,
/// shrinking, same length, growing) marginals and differ only in which strings they use. The empty string is never
/// reserved: as a replacement it is the deletion operation, not a string a model could have memorised.
/// </summary>
public sealed class StringReserve
{
    /// <summary>The share of each length's strings held out for test rules.</summary>
    public const double DefaultShare = 0.25;

    // Lengths with at most this many strings are enumerated and split exactly; longer ones (26 letters from length 4 on)
    // decide membership by a seeded hash, which reserves the share in expectation.
    private const int EnumerateLimit = 1 << 16;
    private const int HashedTries = 100_000;

    private readonly string _alphabet;
    private readonly ulong _seed;
    private readonly double _share;
    private readonly Dictionary<int, (string[] Held, string[] Free, HashSet<string> HeldSet)> _enumerated = [];

    public StringReserve(string alphabet, int maxLength, ulong seed, double share = DefaultShare)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(alphabet.Length, 2, nameof(alphabet));
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        if (share is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "the reserved share must lie strictly between 0 and 1");
        }
        _alphabet = alphabet;
        _seed = seed;
        _share = share;
        for (var length = 1; length <= maxLength && Math.Pow(alphabet.Length, length) <= EnumerateLimit; length++)
        {
            var all = Enumerate(length);
            SeededRandom.For(seed, $"string-reserve/{length}").Shuffle(all);
            var held = Math.Clamp((int)Math.Round(all.Length * share, MidpointRounding.AwayFromZero), 1, all.Length - 1);
            _enumerated[length] = (all[..held], all[held..], [.. all[..held]]);
        }
    }

    /// <summary>Whether <paramref name="s"/> is held out for test rules; never the empty string.</summary>
    public bool Contains(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }
        return _enumerated.TryGetValue(s.Length, out var split)
            ? split.HeldSet.Contains(s)
            : SeededRandom.For(_seed, $"string-reserve:{s}").NextDouble() < _share;
    }

    /// <summary>A uniform reserved string of the given length (the empty string for length 0): a test rule's string.</summary>
    public string Held(int length, SeededRandom random) => Draw(length, random, held: true);

    /// <summary>A uniform unreserved string of the given length (the empty string for length 0): a training rule's string.</summary>
    public string Free(int length, SeededRandom random) => Draw(length, random, held: false);

    private string Draw(int length, SeededRandom random, bool held)
    {
        if (length == 0)
        {
            return "";
        }
        if (_enumerated.TryGetValue(length, out var split))
        {
            var pool = held ? split.Held : split.Free;
            return pool[random.NextInt(pool.Length)];
        }
        // Rejection from uniform strings stays uniform within the side; a side holds about a quarter or three quarters
        // of the strings, so a handful of tries suffice.
        var chars = new char[length];
        for (var i = 0; i < HashedTries; i++)
        {
            for (var c = 0; c < length; c++)
            {
                chars[c] = _alphabet[random.NextInt(_alphabet.Length)];
            }
            var candidate = new string(chars);
            if (Contains(candidate) == held)
            {
                return candidate;
            }
        }
        throw new InvalidOperationException($"string reserve: no {(held ? "reserved" : "unreserved")} string of length {length} in {HashedTries} tries");
    }

    private string[] Enumerate(int length)
    {
        var count = (int)Math.Pow(_alphabet.Length, length);
        var all = new string[count];
        var chars = new char[length];
        for (var i = 0; i < count; i++)
        {
            var rest = i;
            for (var c = length - 1; c >= 0; c--)
            {
                chars[c] = _alphabet[rest % _alphabet.Length];
                rest /= _alphabet.Length;
            }
            all[i] = new string(chars);
        }
        return all;
    }
}
