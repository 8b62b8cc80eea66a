namespace ActiveIT.Core.Families;

/// <summary>
/// One drawn task of a family: its instruction in words (several phrasings per family), the underspecified
/// instruction an injected ambiguous task shows instead (consistent with several answers; the label follows the
/// drawn parameters), and how an instance is made.
/// </summary>
public sealed record FamilyDraw(string Instruction, string VagueInstruction, Func<SeededRandom, (string Input, string Output)> Instance, string Parameters);

/// <summary>A family of string tasks that differ only in their parameters: one kind (classification or generation) and a difficulty (1–3).</summary>
public sealed record TaskFamily(string Name, bool Classification, int Difficulty, Func<FamilyStrings, SeededRandom, FamilyDraw> Draw);

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
