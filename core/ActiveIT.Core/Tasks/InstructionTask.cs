using System.Security.Cryptography;
using System.Text;

namespace ActiveIT.Core.Tasks;

/// <summary>
/// An instruction task in ActiveIT's one model: an instruction (NIV2's "definition"), examples, instances and
/// descriptive fields. <see cref="ContentHash"/> identifies a version: any change to any field changes it.
/// (Not cached: `with` copies would carry a stale hash.)
/// </summary>
public sealed record InstructionTask(
    string Id,
    string Source,
    TaskFormat Format,
    string Definition,
    IReadOnlyList<TaskExample> PositiveExamples,
    IReadOnlyList<TaskExample> NegativeExamples,
    IReadOnlyList<TaskInstance> Instances,
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Domains,
    IReadOnlyList<string> Languages,
    string? License,
    IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>SHA-256 (hex) over every field in a fixed order, each length-prefixed so no two tasks collide by concatenation.</summary>
    public string ContentHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string? s)
        {
            var bytes = s is null ? [0xFF] : Encoding.UTF8.GetBytes(s);
            Span<byte> length = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, s is null ? -1 : bytes.Length);
            sha.AppendData(length);
            sha.AppendData(bytes);
        }
        void AddList(IReadOnlyList<string> list)
        {
            Add(list.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var s in list)
            {
                Add(s);
            }
        }
        void AddExamples(IReadOnlyList<TaskExample> examples)
        {
            Add(examples.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var e in examples)
            {
                Add(e.Input);
                Add(e.Output);
                Add(e.Explanation);
            }
        }
        Add(Id);
        Add(Source);
        Add(Format.ToString());
        Add(Definition);
        AddExamples(PositiveExamples);
        AddExamples(NegativeExamples);
        Add(Instances.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var i in Instances)
        {
            Add(i.Id);
            Add(i.Input);
            AddList(i.Outputs);
        }
        AddList(Categories);
        AddList(Domains);
        AddList(Languages);
        Add(License);
        AddList([.. Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).SelectMany(p => new[] { p.Key, p.Value })]);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
