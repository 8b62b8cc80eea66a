namespace ActiveIT.Core.Metrics;

/// <summary>
/// NIV2's `evaluation.py` for the default track: exact match and ROUGE-L over all instances, per category and per
/// task, ×100 and rounded to 4 decimals, under the script's names (`rougeL_default_track`,
/// `exact_match_for_<category>_default_track`, `rougeL_for_<task>_default_track`, …). A missing prediction counts as
/// the empty string, as there. The xlingual track needs a GPT-2 tokenizer and is refused.
/// </summary>
public static class Niv2Evaluation
{
    public sealed record Result(IReadOnlyDictionary<string, double> Metrics, int Instances, int MissingPredictions);

    public static Result Evaluate(IReadOnlyList<EvaluationReference> references, IReadOnlyDictionary<string, string> predictions)
    {
        var xlingual = references.FirstOrDefault(r => r.Track != "default");
        if (xlingual is not null)
        {
            throw new ArgumentException($"instance '{xlingual.Id}' is in track '{xlingual.Track}': only the default (English) track is supported");
        }
        var scored = references.Select(r =>
        {
            var prediction = predictions.GetValueOrDefault(r.Id, "");
            return (Reference: r, Em: Niv2Metrics.ExactMatch(prediction, r.References), Rouge: Niv2Metrics.RougeL(prediction, r.References));
        }).ToArray();
        var metrics = new Dictionary<string, double>();
        void Add(string? group, IEnumerable<(EvaluationReference Reference, double Em, double Rouge)> rows)
        {
            var list = rows.ToArray();
            var suffix = group is null ? "" : $"_for_{group}";
            metrics[$"exact_match{suffix}_default_track"] = Math.Round(100.0 * list.Sum(r => r.Em) / list.Length, 4);
            metrics[$"rougeL{suffix}_default_track"] = Math.Round(100.0 * list.Sum(r => r.Rouge) / list.Length, 4);
        }
        if (scored.Length == 0)
        {
            return new Result(metrics, 0, 0);
        }
        Add(null, scored);
        if (scored[0].Reference.TaskCategory is not null)
        {
            foreach (var group in scored.GroupBy(r => CategoryKey(r.Reference.TaskCategory ?? "")))
            {
                Add(group.Key, group);
            }
        }
        if (scored[0].Reference.TaskId is not null)
        {
            foreach (var group in scored.GroupBy(r => r.Reference.TaskId ?? ""))
            {
                Add(group.Key, group);
            }
        }
        return new Result(metrics, scored.Length, references.Count(r => !predictions.ContainsKey(r.Id)));
    }

    /// <summary>"Question Answering" → "question_answering", as the script names categories.</summary>
    public static string CategoryKey(string category) => string.Join('_', category.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
