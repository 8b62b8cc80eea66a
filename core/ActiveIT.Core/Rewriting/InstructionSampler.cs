namespace ActiveIT.Core.Rewriting;

/// <summary>Assigns each of a budget of examples to one of I instructions, uniformly or by a power law.</summary>
public static class InstructionSampler
{
    /// <summary>How many examples each instruction gets. Uniform splits the budget as evenly as possible
    /// (budget / I each, the remainder to the first instructions); the power laws sample.</summary>
    public static int[] Counts(int instructions, int budget, InstructionFrequency frequency, double alpha, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(instructions);
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        if (frequency != InstructionFrequency.Uniform && alpha <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "power-law shape alpha must be positive");
        }
        var counts = new int[instructions];
        switch (frequency)
        {
            case InstructionFrequency.Uniform:
                for (var i = 0; i < instructions; i++)
                {
                    counts[i] = budget / instructions + (i < budget % instructions ? 1 : 0);
                }
                break;
            case InstructionFrequency.PowerLawIndex:
                for (var e = 0; e < budget; e++)
                {
                    var index = (int)Math.Floor(instructions * Math.Pow(random.NextDouble(), 1.0 / alpha));
                    counts[Math.Min(index, instructions - 1)]++;
                }
                break;
            case InstructionFrequency.PowerLawWeight:
                var cumulative = new double[instructions];
                var total = 0.0;
                for (var i = 0; i < instructions; i++)
                {
                    total += Math.Pow(random.NextDouble(), 1.0 / alpha);
                    cumulative[i] = total;
                }
                for (var e = 0; e < budget; e++)
                {
                    var u = random.NextDouble() * total;
                    var index = Array.BinarySearch(cumulative, u);
                    counts[Math.Min(index < 0 ? ~index : index, instructions - 1)]++;
                }
                break;
        }
        return counts;
    }
}
