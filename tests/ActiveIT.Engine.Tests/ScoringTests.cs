using ActiveIT.Engine;

namespace ActiveIT.Engine.Tests;

public sealed class ScoringTests
{
    [Fact]
    public void Score_MatchesManualLogSoftmaxSumOverNextLogits()
    {
        using var model = Models.CreateTiny();
        var batch = Models.Batch(("abc", "xy"), ("hello world", "z"), ("q", "longer target"));
        var scores = model.Score(batch);

        for (var b = 0; b < batch.Batch; b++)
        {
            var row = batch.Tokens.AsSpan(b * batch.SeqLen, batch.SeqLen).ToArray();
            var mask = batch.Mask.AsSpan(b * batch.SeqLen, batch.SeqLen).ToArray();
            double expected = 0;
            var count = 0;
            for (var t = 1; t < row.Length; t++)
            {
                if (mask[t] == 0)
                {
                    continue;
                }
                var logits = model.NextLogits([row[..t]])[0];
                var max = logits.Max();
                var logZ = max + Math.Log(logits.Sum(l => Math.Exp(l - max)));
                expected += logits[row[t]] - logZ;
                count++;
            }
            Assert.Equal(count, scores[b].TokenCount);
            Assert.Equal(expected, scores[b].LogProbSum, 1e-4);
        }
    }

    [Fact]
    public void LargeBatches_AttendInRowBlocks_WithTheScoresOfSmallOnes()
    {
        // 2 heads × 256 × 256 float32 scores are 512 KiB a row: 40 rows pass the 16 MiB block and are attended as 32 + 8.
        using var model = GptModel.Create(Models.Tiny with { MaxSeqLen = 256 }, seed: 3);
        var random = new ActiveIT.Core.SeededRandom(5);
        var rows = Enumerable.Range(0, 40).Select(_ => new TokenPair([ByteTokenizer.Bos, .. Enumerable.Range(0, 200).Select(_ => random.NextInt(256))],
            [.. Enumerable.Range(0, 55).Select(_ => random.NextInt(256))])).ToArray();
        var together = model.Score(SequenceBatch.FromPairs(rows));
        var apart = model.Score(SequenceBatch.FromPairs(rows[..20])).Concat(model.Score(SequenceBatch.FromPairs(rows[20..]))).ToArray();
        Assert.Equal(256, SequenceBatch.FromPairs(rows).SeqLen);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(apart[i].TokenCount, together[i].TokenCount);
            Assert.Equal(apart[i].LogProbSum, together[i].LogProbSum, 1e-3);
        }
    }

    [Fact]
    public void TokenLogProbs_SumToTheScore_AndAreZeroOffTarget()
    {
        using var model = Models.CreateTiny();
        var batch = Models.Batch(("abc", "xy"), ("hello world", "z"));
        var scores = model.Score(batch);
        var perToken = model.TokenLogProbs(batch);
        for (var b = 0; b < batch.Batch; b++)
        {
            Assert.Equal(scores[b].LogProbSum, perToken[b].Sum(x => (double)x), 1e-4);
            for (var t = 0; t < batch.SeqLen; t++)
            {
                if (batch.Mask[b * batch.SeqLen + t] == 0)
                {
                    Assert.Equal(0f, perToken[b][t]);
                }
                else
                {
                    Assert.True(perToken[b][t] < 0);
                }
            }
        }
    }

    [Fact]
    public void Score_IsIndependentOfBatchCompanionsAndPadding()
    {
        using var model = Models.CreateTiny();
        var alone = model.Score(Models.Batch(("abc", "xy")))[0];
        var together = model.Score(Models.Batch(("a much longer prompt here", "tail"), ("abc", "xy")))[1];
        Assert.Equal(alone.TokenCount, together.TokenCount);
        Assert.Equal(alone.LogProbSum, together.LogProbSum, 1e-4);
    }

    [Fact]
    public void Score_UntrainedModelIsNearUniform()
    {
        using var model = Models.CreateTiny();
        var score = model.Score(Models.Batch(("abc", "defgh")))[0];
        Assert.Equal(6, score.TokenCount);
        Assert.InRange(score.LogProbSum / score.TokenCount, -Math.Log(260) - 0.2, -Math.Log(260) + 0.2);
    }

    [Fact]
    public void OddProjectionWidths_ScoreAndTrain()
    {
        // An odd MLP width gives the q/k views odd strides, which a complex view of them cannot take: rotary copies then.
        using var model = GptModel.Create(Models.Tiny with { Inner = 129 }, seed: 2);
        using var trainer = model.CreateTrainer(TrainedModels.Config(2));
        var batch = Models.Batch(("abc", "xy"));
        Assert.True(float.IsFinite(trainer.Step(batch).Loss));
        Assert.True(double.IsFinite(model.Score(batch)[0].LogProbSum));
    }
}
