namespace ActiveIT.Core.Rewriting;

/// <summary>
/// How training examples are spread over instructions. The power-law derivation was not published, so both
/// readings are offered: <see cref="PowerLawIndex"/> draws each example's instruction as ⌊I·U^{1/α}⌋;
/// <see cref="PowerLawWeight"/> gives instruction i the weight U_i^{1/α}, normalised, and draws from those weights.
/// </summary>
public enum InstructionFrequency { Uniform, PowerLawIndex, PowerLawWeight }
