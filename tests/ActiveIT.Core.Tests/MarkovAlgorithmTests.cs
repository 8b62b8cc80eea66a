using ActiveIT.Core.Rewriting;

namespace ActiveIT.Core.Tests;

public sealed class MarkovAlgorithmTests
{
    private static MarkovAlgorithm Parse(string rules) => new(rules.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(line => line.Split("->", 2).Select(part => part.Trim()).ToArray())
        .Select(p => p[1].StartsWith('.') ? new MarkovRule(p[0], p[1][1..], Terminating: true) : new MarkovRule(p[0], p[1]))
        .ToArray());

    [Fact]
    public void UnaryMultiplication_MultipliesFourByFive()
    {
        // Rosetta Code's "unary multiplication engine" test vector for Markov algorithm interpreters.
        var algorithm = Parse("""
            _+1 -> _1+
            1+1 -> 11+
            1! -> !1
            ,! -> !+
            _! -> _
            1*1 -> x,@y
            1x -> xX
            X, -> 1,1
            X1 -> 1X
            _x -> _X
            ,x -> ,X
            y1 -> 1y
            y_ -> _
            1@1 -> x,@y
            1@_ -> @_
            ,@_ -> !_
            ++ -> +
            _1 -> 1
            1+_ -> 1
            _+_ -> 
            """);
        var result = algorithm.Run("_1111*11111_", maxSteps: 10_000);
        Assert.Equal(new string('1', 20), result.Output);
        Assert.Equal(MarkovHalt.NoRuleApplies, result.Halt);
    }

    [Fact]
    public void BinaryToUnary_ConvertsFive() =>
        Assert.Equal("|||||", Parse("|0 -> 0||\n1 -> 0|\n0 -> ").Run("101", 100).Output);

    [Fact]
    public void TerminatingRule_StopsAfterFiring()
    {
        var rules = "A -> apple\nB -> bag\nS -> .shop\nT -> the\nthe shop -> my brother\na never used -> .terminating rule";
        var result = Parse(rules).Run("I bought a B of As from T S.", 100);
        Assert.Equal("I bought a bag of apples from T shop.", result.Output);
        Assert.Equal(MarkovHalt.Terminated, result.Halt);
        Assert.Equal("I bought a bag of apples from my brother.", Parse(rules.Replace(".shop", "shop")).Run("I bought a B of As from T S.", 100).Output);
    }

    [Fact]
    public void TuringMachineSimulation_MatchesKnownOutput()
    {
        var rules = "A0 -> 1B\n0A1 -> C01\n1A1 -> C11\n0B0 -> A01\n1B0 -> A11\nB1 -> 1B\n0C0 -> B01\n1C0 -> B11\n0C1 -> H01\n1C1 -> H11";
        Assert.Equal("00011H1111000", Parse(rules).Run("000000A000000", 1000).Output);
    }

    [Fact]
    public void NonTerminatingAlgorithm_HitsStepCap()
    {
        var result = new MarkovAlgorithm([new MarkovRule("a", "aa")]).Run("a", 50);
        Assert.Equal(MarkovHalt.StepCap, result.Halt);
        Assert.Equal(50, result.Steps);
        Assert.Equal(new string('a', 51), result.Output);
    }
}
