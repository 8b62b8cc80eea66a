namespace ActiveIT.Core.Families;

/// <summary>A family of string tasks that differ only in their parameters: one kind (classification or generation) and a difficulty (1–3).</summary>
public sealed record TaskFamily(string Name, bool Classification, int Difficulty, Func<FamilyStrings, SeededRandom, FamilyDraw> Draw);
