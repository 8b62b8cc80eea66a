namespace ActiveIT.Core.Rewriting;

/// <summary>
/// An ordered rule list. Each step applies the first rule whose pattern occurs (at its leftmost occurrence),
/// then restarts from the first rule; it halts when no rule applies, a terminating rule fired, or the step cap hit.
/// </summary>
public sealed class MarkovAlgorithm(IReadOnlyList<MarkovRule> rules)
{
    public IReadOnlyList<MarkovRule> Rules { get; } = rules;

    public MarkovResult Run(string input, int maxSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxSteps);
        var current = input;
        for (var step = 0; step < maxSteps; step++)
        {
            var fired = FirstApplicable(current);
            if (fired is null)
            {
                return new MarkovResult(current, step, MarkovHalt.NoRuleApplies);
            }
            current = new RewriteRule(fired.Pattern, fired.Replacement).Apply(current);
            if (fired.Terminating)
            {
                return new MarkovResult(current, step + 1, MarkovHalt.Terminated);
            }
        }
        return FirstApplicable(current) is null
            ? new MarkovResult(current, maxSteps, MarkovHalt.NoRuleApplies)
            : new MarkovResult(current, maxSteps, MarkovHalt.StepCap);
    }

    private MarkovRule? FirstApplicable(string s)
    {
        foreach (var rule in Rules)
        {
            // The empty pattern occurs in every string (at 0), as in the classical definition.
            if (s.Contains(rule.Pattern, StringComparison.Ordinal))
            {
                return rule;
            }
        }
        return null;
    }
}
