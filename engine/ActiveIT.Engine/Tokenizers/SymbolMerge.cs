namespace ActiveIT.Engine.Tokenizers;

/// <summary>
/// BPE merging of a long symbol sequence in O(n log n): adjacent pairs wait in a heap by merge rank (then position), a
/// merge links its result to its neighbours and queues their new pairs; entries made stale by an earlier merge are
/// skipped. SentencePiece-style tokenizers merge a whole text as one word (runs of spaces are pieces too), where
/// rescanning every pair after each merge would be quadratic.
/// </summary>
internal static class SymbolMerge
{
    public static List<string> Apply(List<string> symbols, IReadOnlyDictionary<(string, string), int> ranks)
    {
        var n = symbols.Count;
        if (n < 2)
        {
            return symbols;
        }
        var text = symbols.ToArray();
        var next = new int[n];
        var prev = new int[n];
        var alive = new bool[n];
        for (var i = 0; i < n; i++)
        {
            (next[i], prev[i], alive[i]) = (i + 1 < n ? i + 1 : -1, i - 1, true);
        }
        var queue = new PriorityQueue<(int Left, string LeftText, string RightText), (int Rank, int Left)>();
        void Offer(int left)
        {
            if (left >= 0 && next[left] is var right and >= 0 && ranks.TryGetValue((text[left], text[right]), out var rank))
            {
                queue.Enqueue((left, text[left], text[right]), (rank, left));
            }
        }
        for (var i = 0; i < n - 1; i++)
        {
            Offer(i);
        }
        while (queue.TryDequeue(out var pair, out _))
        {
            var (left, leftText, rightText) = pair;
            var right = next[left];
            // Stale: a neighbour merged since this pair was queued.
            if (!alive[left] || right < 0 || text[left] != leftText || text[right] != rightText)
            {
                continue;
            }
            text[left] = leftText + rightText;
            alive[right] = false;
            next[left] = next[right];
            if (next[right] >= 0)
            {
                prev[next[right]] = left;
            }
            Offer(prev[left]);
            Offer(left);
        }
        var merged = new List<string>();
        for (var i = 0; i >= 0; i = next[i])
        {
            merged.Add(text[i]);
        }
        return merged;
    }
}
