using ActiveIT.Core.Uncertainty;

namespace ActiveIT.Core.Curriculum.Strategies;

/// <summary>
/// Tasks of one task-map category first, then, when the category has fewer tasks than a round needs, the rest.
/// Easy by descending PP, difficult by ascending PP (the most and least confident of their category). Ambiguous tasks
/// are drawn at random from their category, the rest after them at random too: the category is the top of the PU
/// ranking, so ordering it by PU would take exactly what <c>prompt-uncertainty</c> takes (the first arena found the two
/// arms identical); the draw asks the task map's question instead — does training on ambiguous tasks, as a set, help.
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

    /// <summary>Ambiguous ranked its category by PU until this change.</summary>
    public override DateTimeOffset? DefinedSince => wanted == TaskMapCategory.Ambiguous ? new DateTimeOffset(2026, 12, 7, 1, 30, 0, TimeSpan.Zero) : null;

    public override IEnumerable<string> Rank(IReadOnlyList<SelectionCandidate> byId, SelectionContext context, int count)
    {
        var map = TaskMap.Categorize([.. byId.Select(c => new TaskMap.Point(c.TaskId, c.PromptUncertainty, c.PredictionProbability))], context.AmbiguousShare)
            .ToDictionary(e => e.TaskId, e => e.Category);
        var ordered = wanted switch
        {
            TaskMapCategory.Ambiguous => Random.Rank(byId, context, count),
            TaskMapCategory.Easy => byId.OrderByDescending(c => c.PredictionProbability).Select(c => c.TaskId),
            _ => byId.OrderBy(c => c.PredictionProbability).Select(c => c.TaskId),
        };
        return ordered.OrderBy(id => map[id] == wanted ? 0 : 1);
    }
}
