using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace ActiveIT.Engine.Checkpoints;

/// <summary>One tensor's entry in a safetensors header: dtype name, shape and byte range within the data section.</summary>
internal sealed record SafetensorsEntry(string DType, long[] Shape, long Begin, long End);

/// <summary>
/// A safetensors file opened for reading: the header is parsed and every entry checked against the file size up front;
/// tensors are read one at a time (a shard may exceed what one array can hold). Errors name the file.
/// </summary>
internal sealed class SafetensorsFile
{
    private static readonly Dictionary<string, (ScalarType Type, int Size)> DTypes = new()
    {
        ["F32"] = (ScalarType.Float32, 4), ["F16"] = (ScalarType.Float16, 2), ["BF16"] = (ScalarType.BFloat16, 2),
        ["F64"] = (ScalarType.Float64, 8), ["I64"] = (ScalarType.Int64, 8), ["I32"] = (ScalarType.Int32, 4),
        ["I16"] = (ScalarType.Int16, 2), ["I8"] = (ScalarType.Int8, 1), ["U8"] = (ScalarType.Byte, 1), ["BOOL"] = (ScalarType.Bool, 1),
    };

    private readonly long _dataStart;

    private SafetensorsFile(string path, long dataStart, Dictionary<string, SafetensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    public string Path { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public static SafetensorsFile Open(string path)
    {
        FileStream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EngineException($"{path}: cannot open checkpoint file ({e.Message})");
        }
        using (stream)
        {
            var fileSize = stream.Length;
            if (fileSize < 8)
            {
                throw new EngineException($"{path}: truncated checkpoint ({fileSize} bytes, no header length)");
            }
            Span<byte> lengthBytes = stackalloc byte[8];
            stream.ReadExactly(lengthBytes);
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            if (headerLength > (ulong)(fileSize - 8))
            {
                throw new EngineException($"{path}: header length {headerLength} exceeds the file size {fileSize} (truncated or not a safetensors file)");
            }
            if (headerLength > 100_000_000)
            {
                throw new EngineException($"{path}: header length {headerLength} is over the 100 MB safetensors allows (not a safetensors file?)");
            }
            var header = new byte[headerLength];
            stream.ReadExactly(header);
            var dataSize = fileSize - 8 - (long)headerLength;
            var (entries, metadata) = ParseHeader(path, header, dataSize);
            return new SafetensorsFile(path, 8 + (long)headerLength, entries, metadata);
        }
    }

    /// <summary>Reads one tensor in its stored dtype, on the CPU.</summary>
    public Tensor Read(string name)
    {
        var entry = Entries[name];
        var (type, _) = DTypes[entry.DType];
        var tensor = empty(entry.Shape, type);
        var bytes = tensor.bytes;
        using var stream = File.OpenRead(Path);
        stream.Position = _dataStart + entry.Begin;
        var buffer = new byte[Math.Min(1 << 24, Math.Max(1, entry.End - entry.Begin))];
        for (long done = 0; done < entry.End - entry.Begin;)
        {
            var chunk = (int)Math.Min(buffer.Length, entry.End - entry.Begin - done);
            var read = stream.Read(buffer, 0, chunk);
            if (read <= 0)
            {
                throw new EngineException($"{Path}: read failed at tensor '{name}' (truncated)");
            }
            buffer.AsSpan(0, read).CopyTo(bytes[(int)done..]);
            done += read;
        }
        tensor.bytes = bytes;
        return tensor;
    }

    private static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataSize)
    {
        JsonDocument document;
        try
        {
            // The header is UTF-8 JSON; the parser accepts bytes that are not UTF-8 and fails only when a string is read.
            _ = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetCharCount(header);
            document = JsonDocument.Parse(header);
        }
        catch (System.Text.DecoderFallbackException)
        {
            throw new EngineException($"{path}: the JSON header is not valid UTF-8");
        }
        catch (JsonException e)
        {
            throw new EngineException($"{path}: invalid JSON header at byte {e.BytePositionInLine}: {e.Message}");
        }
        using (document)
        {
            try
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new EngineException($"{path}: header is not a JSON object");
                }
                var entries = new Dictionary<string, SafetensorsEntry>();
                var metadata = new Dictionary<string, string>();
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Name == "__metadata__")
                    {
                        if (property.Value.ValueKind != JsonValueKind.Object)
                        {
                            throw new EngineException($"{path}: __metadata__ is not an object");
                        }
                        foreach (var m in property.Value.EnumerateObject())
                        {
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()!
                                : throw new EngineException($"{path}: __metadata__.{m.Name} is not a string");
                        }
                        continue;
                    }
                    entries[property.Name] = ParseEntry($"{path}: tensor '{property.Name}'", property.Value, dataSize);
                }
                return (entries, metadata);
                    }
            catch (InvalidOperationException e)
            {
                // a lone UTF-16 surrogate escape in a name or string: the parser accepts it, reading it throws
                throw new EngineException($"{path}: invalid text in the JSON header: {e.Message}");
            }
        }
    }

    private static SafetensorsEntry ParseEntry(string at, JsonElement value, long dataSize)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("dtype", out var dtype) || !value.TryGetProperty("shape", out var shape)
            || !value.TryGetProperty("data_offsets", out var offsets))
        {
            throw new EngineException($"{at}: needs dtype, shape and data_offsets");
        }
        var type = dtype.GetString() ?? "";
        if (!DTypes.TryGetValue(type, out var info))
        {
            throw new EngineException($"{at}: unknown dtype {type}");
        }
        if (shape.ValueKind != JsonValueKind.Array || shape.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var n) || n < 0))
        {
            throw new EngineException($"{at}: shape has a non-integer dimension");
        }
        var dims = shape.EnumerateArray().Select(d => d.GetInt64()).ToArray();
        if (offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2
            || offsets.EnumerateArray().Any(o => o.ValueKind != JsonValueKind.Number || !o.TryGetInt64(out var n) || n < 0))
        {
            throw new EngineException($"{at}: data_offsets are not two non-negative integers");
        }
        var begin = offsets[0].GetInt64();
        var end = offsets[1].GetInt64();
        long expected;
        try
        {
            expected = checked(dims.Aggregate(1L, (a, d) => a * d) * info.Size);
        }
        catch (OverflowException)
        {
            throw new EngineException($"{at}: shape [{string.Join(",", dims)}] is too large");
        }
        if (end < begin || end - begin != expected)
        {
            throw new EngineException($"{at}: data_offsets [{begin}, {end}] hold {end - begin} bytes, but shape [{string.Join(",", dims)}] of {type} needs {expected}");
        }
        if (end > dataSize)
        {
            throw new EngineException($"{at}: data ends at byte {end} but the file holds only {dataSize} data bytes (truncated)");
        }
        return new SafetensorsEntry(type, dims, begin, end);
    }
}

/// <summary>Writes float32 tensors as a safetensors file: header in the given order, atomically (temporary file, then rename).</summary>
internal static class SafetensorsWriter
{
    public static void Write(string path, IReadOnlyList<(string Name, Tensor Tensor)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteString(key, value);
            }
            json.WriteEndObject();
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                var size = tensor.numel() * 4;
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (var d in tensor.shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + size);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += size;
            }
            json.WriteEndObject();
        }
        var header = buffer.ToArray().Concat(Enumerable.Repeat((byte)' ', (8 - (int)(buffer.Length % 8)) % 8)).ToArray();
        var temporary = path + ".tmp";
        try
        {
            using (var file = File.Create(temporary))
            {
                Span<byte> length = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                file.Write(length);
                file.Write(header);
                foreach (var (_, tensor) in tensors)
                {
                    using var host = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
                    file.Write(host.bytes);
                }
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new EngineException($"{path}: cannot write checkpoint ({e.Message})");
        }
    }
}
