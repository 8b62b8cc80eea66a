namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>
/// Prompt uncertainty made diverse: the 2 × count most uncertain tasks traversed farthest-first in hidden-state space
/// (greedy k-center, cosine distance; start at the most uncertain; each next task is the one farthest from all taken,
/// ties to the more uncertain), so a round covers the shortlist's regions instead of piling into one kind of task;
/// then the rest by descending prompt uncertainty.
/// </summary>
internal sealed class DiverseUncertaintyStrategy : SelectionStrategy
{
    public override string Name => "diverse-uncertainty";

    public override bool NeedsScores => true;

    public override bool NeedsFeatures => true;

    public override bool NeedsHiddenStates => true;

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count)
    {
        var byUncertainty = byId.OrderByDescending(c => c.PromptUncertainty).ToList();
        var shortlist = byUncertainty.Take(Math.Max(1, 2 * count)).ToList();
        if (shortlist.Any(c => c.Hidden is null))
        {
            throw new ArgumentException("diverse-uncertainty needs every candidate's hidden-state features");
        }
        var taken = new List<SelectionCandidate>();
        var nearest = shortlist.ToDictionary(c => c.TaskId, _ => double.PositiveInfinity);
        while (shortlist.Count > 0)
        {
            var next = taken.Count == 0 ? shortlist[0] : shortlist.MaxBy(c => nearest[c.TaskId])!;  // MaxBy keeps the first (more uncertain) on ties
            taken.Add(next);
            shortlist.Remove(next);
            foreach (var c in shortlist)
            {
                nearest[c.TaskId] = Math.Min(nearest[c.TaskId], 1 - FeatureVectors.Cosine(c.Hidden!, next.Hidden!));
            }
        }
        var first = taken.Select(c => c.TaskId).ToHashSet(StringComparer.Ordinal);
        return taken.Select(c => c.TaskId).Concat(byUncertainty.Where(c => !first.Contains(c.TaskId)).Select(c => c.TaskId));
    }
}
