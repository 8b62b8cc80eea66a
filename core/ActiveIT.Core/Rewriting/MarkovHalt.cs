namespace ActiveIT.Core.Rewriting;

public enum MarkovHalt
{
    /// <summary>No rule's pattern occurs in the string.</summary>
    NoRuleApplies,

    /// <summary>A terminating rule fired.</summary>
    Terminated,

    /// <summary>The step cap was reached first: the result is not a normal form.</summary>
    StepCap,
}
