namespace ActiveIT.Core.Families;

/// <summary>
/// Unlabelled text for pretraining a base model (issue #13): each document is one drawn task's instances written as
/// "Input: z.\nOutput: y.\n\n" pairs, without the instruction — the surface form of a positive example in the NIV2
/// prompt. A model that learns to continue such documents learns the families' skills and to infer which one a
/// document shows from its first pairs, the way a language model picks skills up from text; instruction tuning then
/// has to tie the instructions' words to skills the model already has (the role T5-LM plays in the paper).
/// </summary>
public static class FamilyCorpus
{
    /// <summary>Document <paramref name="index"/> of the corpus for <paramref name="seed"/>: families take turns, each
    /// document draws its own parameters and holds pairs until the next would pass <paramref name="maxChars"/>.</summary>
    public static string Document(IReadOnlyList<TaskFamily> families, FamilyStrings strings, ulong seed, long index, int maxChars)
    {
        var random = SeededRandom.For(seed, $"corpus/{index}");
        var family = families[(int)(index % families.Count)];
        var draw = family.Draw(strings, random);
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var (input, output) = draw.Instance(random);
            var pair = $"Input: {Tasks.Niv2Prompt.WithPeriod(input)}\nOutput: {Tasks.Niv2Prompt.WithPeriod(output)}\n\n";
            if (text.Length + pair.Length > maxChars)
            {
                return text.Length > 0 ? text.ToString() : pair[..maxChars];
            }
            text.Append(pair);
        }
    }
}
