namespace ActiveIT.Core.Families;

/// <summary>
/// One drawn task of a family: its instruction in words (several phrasings per family), the underspecified
/// instruction an injected ambiguous task shows instead (consistent with several answers; the label follows the
/// drawn parameters), and how an instance is made.
/// </summary>
public sealed record FamilyDraw(string Instruction, string VagueInstruction, Func<SeededRandom, (string Input, string Output)> Instance, string Parameters);
