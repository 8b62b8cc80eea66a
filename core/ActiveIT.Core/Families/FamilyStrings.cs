namespace ActiveIT.Core.Families;

/// <summary>The strings a family works on: letters of a small alphabet, lengths in a range.</summary>
public sealed record FamilyStrings(int AlphabetSize, int MinLength, int MaxLength)
{
    public string Alphabet => new([.. Enumerable.Range(0, AlphabetSize).Select(i => (char)('a' + i))]);

    public char Letter(SeededRandom random) => (char)('a' + random.NextInt(AlphabetSize));

    public string Text(SeededRandom random, int? length = null)
    {
        var chars = new char[length ?? random.NextInt(MinLength, MaxLength)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Letter(random);
        }
        return new string(chars);
    }
}
