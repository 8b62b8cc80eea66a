namespace ActiveIT.Core.Families;

/// <summary>
/// The catalogue of task families (issue #13): generation families that copy, reorder, filter, count or rewrite a
/// string, and classification families that answer yes/no or first/second. Each family draws its parameters per
/// task and phrases the instruction one of several ways.
/// </summary>
public static class TaskFamilies
{
    public static IReadOnlyList<TaskFamily> All { get; } =
    [
        new("copy", false, 1, (s, r) => Draw(r, ["Copy the string.", "Write the input again, unchanged.", "Repeat the string exactly."],
            "Write a string.", "", random => Same(s.Text(random)))),
        new("reverse", false, 1, (s, r) => Draw(r, ["Reverse the string.", "Write the letters in reverse order.", "Spell the string backwards."],
            "Rearrange the letters.", "", random => s.Text(random) is var z ? (z, new string([.. z.Reverse()])) : default)),
        new("sort", false, 2, (s, r) =>
        {
            var descending = r.NextInt(2) == 1;
            var order = descending ? "reverse alphabetical" : "alphabetical";
            return Draw(r, [$"Sort the letters in {order} order.", $"Write the letters of the string in {order} order."],
                "Put the letters in order.", descending ? "descending" : "ascending",
                random => s.Text(random) is var z ? (z, new string([.. descending ? z.OrderDescending() : z.Order()])) : default);
        }),
        new("rotate", false, 2, (s, r) =>
        {
            var k = r.NextInt(1, Math.Min(3, s.MinLength - 1));
            return Draw(r, [$"Move the first {Count(k)} to the end.", $"Rotate the string left by {k}."], "Rotate the string.", $"k={k}",
                random => s.Text(random) is var z ? (z, z[k..] + z[..k]) : default);
        }),
        new("shift", false, 3, (s, r) =>
        {
            var k = r.NextInt(1, Math.Min(3, s.AlphabetSize - 1));
            var last = s.Alphabet[^1];
            return Draw(r, [$"Replace every letter by the letter {k} later in the alphabet, wrapping around after '{last}'.",
                    $"Shift each letter forward by {k}; after '{last}' comes 'a'."], "Change every letter.", $"k={k}",
                random => s.Text(random) is var z ? (z, new string([.. z.Select(c => (char)('a' + (c - 'a' + k) % s.AlphabetSize))])) : default);
        }),
        new("dedupe", false, 2, (s, r) => Draw(r, ["Remove repeated letters, keeping the first occurrence of each.",
                "Delete every letter that already appeared earlier in the string."], "Remove some letters.", "",
            random => s.Text(random) is var z ? (z, new string([.. z.Distinct()])) : default)),
        new("filter", false, 1, (s, r) =>
        {
            var c = s.Letter(r);
            return Draw(r, [$"Delete every '{c}'.", $"Remove all occurrences of the letter '{c}'."], "Delete a letter.", $"c={c}",
                random => s.Text(random) is var z ? (z, z.Replace(c.ToString(), "", StringComparison.Ordinal)) : default);
        }),
        new("count", false, 2, (s, r) =>
        {
            var c = s.Letter(r);
            return Draw(r, [$"Count how many times '{c}' occurs. Answer with a number.", $"How many letters '{c}' does the string have? Answer with a number."],
                "Count the letters. Answer with a number.", $"c={c}", random => s.Text(random) is var z ? (z, z.Count(x => x == c).ToString(System.Globalization.CultureInfo.InvariantCulture)) : default);
        }),
        new("rewrite", false, 2, (s, r) =>
        {
            var x = s.Text(r, r.NextInt(1, 2));
            var y = s.Text(r, r.NextInt(1, 2));
            return Draw(r, [$"Replace the leftmost \"{x}\" with \"{y}\", once.", $"Change the first occurrence of \"{x}\" into \"{y}\"."],
                "Replace part of the string.", $"x={x},y={y}", random =>
                {
                    var z = s.Text(random);
                    if (random.NextInt(4) > 0)
                    {
                        var at = random.NextInt(z.Length - x.Length + 1);
                        z = z[..at] + x + z[(at + x.Length)..];
                    }
                    var i = z.IndexOf(x, StringComparison.Ordinal);
                    return (z, i < 0 ? z : z[..i] + y + z[(i + x.Length)..]);
                });
        }),
        new("add", false, 3, (s, r) =>
        {
            var n = r.NextInt(1, 9);
            return Draw(r, [$"Add {n} to the number.", $"Write the number that is {n} more than the input."], "Change the number.", $"n={n}",
                random => random.NextInt(0, 99) is var a ? (Number(a), Number(a + n)) : default);
        }),
        new("contains", true, 1, (s, r) =>
        {
            var x = s.Text(r, r.NextInt(1, 2));
            return Draw(r, [$"Does \"{x}\" occur in the string? Answer yes or no.", $"Answer yes if the string contains \"{x}\", otherwise no."],
                "Does the string have the property? Answer yes or no.", $"x={x}", random =>
                {
                    var z = s.Text(random);
                    if (random.NextInt(2) == 0)
                    {
                        var at = random.NextInt(z.Length - x.Length + 1);
                        z = z[..at] + x + z[(at + x.Length)..];
                    }
                    return (z, YesNo(z.Contains(x, StringComparison.Ordinal)));
                });
        }),
        new("palindrome", true, 2, (s, r) => Draw(r, ["Is the string a palindrome, the same read backwards? Answer yes or no.",
                "Answer yes if the string reads the same in both directions, otherwise no."], "Is the string special? Answer yes or no.", "",
            random =>
            {
                var z = s.Text(random);
                if (random.NextInt(2) == 0)
                {
                    z = z[..((z.Length + 1) / 2)] + new string([.. z[..(z.Length / 2)].Reverse()]);
                }
                return (z, YesNo(z.SequenceEqual(z.Reverse())));
            })),
        new("longer", true, 2, (s, r) =>
        {
            var shorter = r.NextInt(2) == 1;
            var which = shorter ? "shorter" : "longer";
            return Draw(r, [$"Which of the two strings is {which}? Answer first or second.", $"Answer first if the first string is {which}, otherwise second."],
                "Which string do you pick? Answer first or second.", which, random =>
                {
                    // The second length differs from the first, up to 2 beyond the range, so fixed-length strings work too.
                    var u = s.Text(random);
                    int length;
                    do
                    {
                        length = random.NextInt(Math.Max(1, s.MinLength - 2), s.MaxLength + 2);
                    }
                    while (length == u.Length);
                    var v = s.Text(random, length);
                    return ($"{u},{v}", (u.Length > v.Length) != shorter ? "first" : "second");
                });
        }),
        new("starts", true, 1, (s, r) =>
        {
            var c = s.Letter(r);
            return Draw(r, [$"Does the string start with '{c}'? Answer yes or no.", $"Answer yes if the first letter is '{c}', otherwise no."],
                "Does the string start right? Answer yes or no.", $"c={c}", random =>
                {
                    var z = s.Text(random);
                    if (random.NextInt(2) == 0)
                    {
                        z = c + z[1..];
                    }
                    return (z, YesNo(z[0] == c));
                });
        }),
        new("more", true, 2, (s, r) =>
        {
            var c = s.Letter(r);
            var n = r.NextInt(1, 2);
            return Draw(r, [$"Does '{c}' occur more than {(n == 1 ? "once" : $"{n} times")}? Answer yes or no.", $"Answer yes if the string has more than {n} '{c}', otherwise no."],
                "Does the letter occur often? Answer yes or no.", $"c={c},n={n}", random =>
                {
                    var z = s.Text(random);
                    var chars = z.ToCharArray();
                    for (var i = 0; i < chars.Length; i++)
                    {
                        if (random.NextInt(3) == 0)
                        {
                            chars[i] = c;
                        }
                    }
                    return (new string(chars), YesNo(chars.Count(x => x == c) > n));
                });
        }),
    ];

    public static TaskFamily Named(string name) =>
        All.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"unknown task family '{name}' ({string.Join(", ", All.Select(f => f.Name))})");

    private static FamilyDraw Draw(SeededRandom random, string[] phrasings, string vague, string parameters, Func<SeededRandom, (string, string)> instance) =>
        new(phrasings[random.NextInt(phrasings.Length)], vague, instance, parameters);

    private static (string, string) Same(string z) => (z, z);

    private static string YesNo(bool yes) => yes ? "yes" : "no";

    private static string Number(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Count(int n) => n == 1 ? "letter" : $"{n} letters";
}
