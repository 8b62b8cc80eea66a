using System.Text.Json.Serialization;

namespace ActiveIT.Grains.Curriculum;

/// <summary>
/// One round, filled step by step: selection (with the scores it used), training (checkpoint and its hash),
/// evaluation. A step is done when its record is set; a restarted runner continues with the first missing one.
/// </summary>
[GenerateSerializer, Immutable, Alias("activeit.RoundRecord")]
public sealed record RoundRecord(int Round, SelectionRecord Selection, TrainingRecord? Training = null, EvaluationRecord? Evaluation = null)
{
    [JsonIgnore]
    public int TrainingTasks => Selection.TrainingTasks;
}
