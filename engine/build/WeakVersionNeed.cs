// WeakVersionNeed.cs - marks one symbol-version need of an ELF shared library weak, so the dynamic loader no longer
// refuses the library when the system lacks that version. Compiled twice: as the MSBuild task below (RoslynCodeTaskFactory,
// engine/build/TorchSharp.targets) and, with ACTIVEIT_NO_MSBUILD defined, into the engine tests.
using System;
using System.IO;
using System.Text;

namespace ActiveIT.Build
{
    /// <summary>What <see cref="WeakVersionNeed.Apply"/> did to a file.</summary>
    public enum WeakVersionNeedResult { Patched, AlreadyWeak, NotNeeded }

    /// <summary>
    /// libLibTorchSharp.so is built with GCC 13 and asks for libstdc++'s GLIBCXX_3.4.32 for a single symbol,
    /// _ZSt21ios_base_library_initv, a marker GCC 13 emits and never calls. A weak version need (VER_FLG_WEAK in the
    /// vna_flags of its entry in .gnu.version_r) lets glibc load the library against an older libstdc++ (Debian 12 stops
    /// at 3.4.30). The file is rewritten through a temporary copy and a rename, so a hard link to the NuGet cache is
    /// broken, never written through.
    /// </summary>
    public static class WeakVersionNeed
    {
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        public static WeakVersionNeedResult Apply(string path, string version)
        {
            var bytes = File.ReadAllBytes(path);
            var offset = FindVersionNeed(bytes, version, path);
            if (offset < 0)
            {
                return WeakVersionNeedResult.NotNeeded;
            }
            var flags = BitConverter.ToUInt16(bytes, offset + 4);
            if ((flags & VerFlgWeak) != 0)
            {
                return WeakVersionNeedResult.AlreadyWeak;
            }
            BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(bytes, offset + 4);
            var temporary = path + ".weak-version.tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Replace(temporary, path, null);  // a rename on Unix: atomic, and a new inode (a hard link's other name keeps its bytes)
            return WeakVersionNeedResult.Patched;
        }

        /// <summary>Whether a library (e.g. the system's libstdc++.so.6) defines <paramref name="version"/>, by its version string.</summary>
        public static bool Defines(string library, string version)
        {
            var needle = Encoding.ASCII.GetBytes(version + "\0");
            var bytes = File.ReadAllBytes(library);
            for (var i = Array.IndexOf(bytes, needle[0]); i >= 0 && i <= bytes.Length - needle.Length; i = Array.IndexOf(bytes, needle[0], i + 1))
            {
                var match = true;
                for (var j = 1; j < needle.Length && match; j++)
                {
                    match = bytes[i + j] == needle[j];
                }
                if (match)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>The file offset of the Vernaux entry naming <paramref name="version"/>, or -1 when the library does not need it.</summary>
        public static int FindVersionNeed(byte[] elf, string version, string path)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            {
                throw new InvalidDataException($"{path}: not an ELF file");
            }
            if (elf[4] != 2 || elf[5] != 1)
            {
                throw new InvalidDataException($"{path}: only 64-bit little-endian ELF is supported");
            }
            var sectionTable = (long)BitConverter.ToUInt64(elf, 0x28) is var table && table >= 0 && table < elf.Length ? (int)table
                : throw new InvalidDataException($"{path}: section header table at offset {BitConverter.ToUInt64(elf, 0x28)} lies outside the file");
            var entrySize = BitConverter.ToUInt16(elf, 0x3A);
            var sections = BitConverter.ToUInt16(elf, 0x3C);
            if (entrySize < 64)
            {
                throw new InvalidDataException($"{path}: section header entries of {entrySize} bytes (64 expected)");
            }
            for (var i = 0; i < sections; i++)
            {
                var header = sectionTable + i * entrySize;
                Require(elf, header, 64, path, "section header");
                if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed)
                {
                    continue;
                }
                var start = checked((int)BitConverter.ToUInt64(elf, header + 0x18));
                var link = BitConverter.ToUInt32(elf, header + 0x28);
                var count = BitConverter.ToUInt32(elf, header + 0x2C);
                Require(elf, sectionTable + (int)link * entrySize, 64, path, "string table's section header");
                var strings = checked((int)BitConverter.ToUInt64(elf, sectionTable + (int)link * entrySize + 0x18));
                var need = start;
                for (var n = 0; n < count; n++)
                {
                    Require(elf, need, 16, path, "Verneed entry");
                    var auxCount = BitConverter.ToUInt16(elf, need + 2);
                    var aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                    for (var a = 0; a < auxCount; a++)
                    {
                        Require(elf, aux, 16, path, "Vernaux entry");
                        var name = strings + (int)BitConverter.ToUInt32(elf, aux + 8);
                        Require(elf, name, 1, path, "version name");
                        if (ReadString(elf, name) == version)
                        {
                            return aux;
                        }
                        aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                    }
                    need += (int)BitConverter.ToUInt32(elf, need + 12);
                }
            }
            return -1;
        }

        private static void Require(byte[] elf, int offset, int length, string path, string what)
        {
            if (offset < 0 || offset + length > elf.Length)
            {
                throw new InvalidDataException($"{path}: {what} at offset {offset} lies outside the file");
            }
        }

        private static string ReadString(byte[] elf, int offset)
        {
            var end = Array.IndexOf(elf, (byte)0, offset);
            return Encoding.ASCII.GetString(elf, offset, (end < 0 ? elf.Length : end) - offset);
        }
    }

#if !ACTIVEIT_NO_MSBUILD
    /// <summary>MSBuild face of <see cref="WeakVersionNeed"/>: patches each file unless the system libstdc++ defines the version.</summary>
    public sealed class MarkVersionNeedWeak : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public Microsoft.Build.Framework.ITaskItem[] Files { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();
        [Microsoft.Build.Framework.Required] public string Version { get; set; } = "";

        public override bool Execute()
        {
            var system = Array.Find(new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib" },
                d => File.Exists(Path.Combine(d, "libstdc++.so.6")));
            if (system != null && WeakVersionNeed.Defines(Path.Combine(system, "libstdc++.so.6"), Version))
            {
                return true;  // the system has the version: leave the library as shipped
            }
            foreach (var file in Files)
            {
                var result = WeakVersionNeed.Apply(file.ItemSpec, Version);
                if (result == WeakVersionNeedResult.Patched)
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        $"{file.ItemSpec}: marked its need of {Version} weak (the system libstdc++ lacks it; README, 'TorchSharp on Debian 12')");
                }
            }
            return true;
        }
    }
#endif
}
