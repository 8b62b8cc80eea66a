namespace ActiveIT.Core.Curriculum;

/// <summary>Vector arithmetic of the feature strategies (gradient and hidden-state similarity, diverse uncertainty).</summary>
public static class FeatureVectors
{
    /// <summary>Cosine similarity; 0 when either vector is zero.</summary>
    public static double Cosine(IReadOnlyList<float> a, IReadOnlyList<float> b)
    {
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"vectors of {a.Count} and {b.Count} dimensions");
        }
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Count; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    /// <summary>The mean of the vectors after scaling each to unit length: a set's direction, each member weighted alike.</summary>
    public static float[] MeanDirection(IReadOnlyList<float[]> vectors)
    {
        if (vectors.Count == 0)
        {
            throw new ArgumentException("no vectors");
        }
        var mean = new double[vectors[0].Length];
        foreach (var v in vectors)
        {
            var norm = Math.Sqrt(v.Sum(x => (double)x * x));
            for (var i = 0; i < v.Length && norm > 0; i++)
            {
                mean[i] += v[i] / norm / vectors.Count;
            }
        }
        return [.. mean.Select(x => (float)x)];
    }
}
