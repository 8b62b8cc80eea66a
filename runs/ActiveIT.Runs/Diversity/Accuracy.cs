namespace ActiveIT.Runs.Diversity;

/// <summary>Exact-match count over a set of test examples.</summary>
public readonly record struct Accuracy(int Correct, int Total)
{
    public double Value => Total == 0 ? double.NaN : (double)Correct / Total;
}
