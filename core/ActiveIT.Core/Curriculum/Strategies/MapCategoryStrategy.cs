using ActiveIT.Core.Uncertainty;

namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>
/// Tasks of one task-map category first — ambiguous by descending PU, easy by descending PP, difficult by ascending PP —
/// then, when the category has fewer tasks than a round needs, the rest in the same order.
/// </summary>
internal sealed class MapCategoryStrategy(TaskMapCategory wanted) : SelectionStrategy
{
    public override string Name => wanted switch
    {
        TaskMapCategory.Ambiguous => "ambiguous",
        TaskMapCategory.Easy => "easy",
        _ => "difficult",
    };

    public override bool NeedsScores => true;

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count)
    {
        var map = TaskMap.Categorize([.. byId.Select(c => new TaskMap.Point(c.TaskId, c.PromptUncertainty, c.PredictionProbability))], context.AmbiguousShare)
            .ToDictionary(e => e.TaskId, e => e.Category);
        var ordered = wanted switch
        {
            TaskMapCategory.Ambiguous => byId.OrderByDescending(c => c.PromptUncertainty),
            TaskMapCategory.Easy => byId.OrderByDescending(c => c.PredictionProbability),
            _ => byId.OrderBy(c => c.PredictionProbability),
        };
        return ordered.OrderBy(c => map[c.TaskId] == wanted ? 0 : 1).Select(c => c.TaskId);
    }
}
