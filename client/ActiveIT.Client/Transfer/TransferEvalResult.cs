namespace ActiveIT.Client.Transfer;

/// <summary>Exact match of one model under one prompt condition on the held-out rules' evaluation instances.</summary>
internal sealed record TransferEvalResult(ulong Seed, string Setting, string Condition, int Correct, int Total)
{
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;
}
