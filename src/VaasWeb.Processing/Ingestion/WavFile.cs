using System.Buffers.Binary;
using System.Text;

namespace VaasWeb.Processing.Ingestion;

/// <summary>
/// Just enough of RIFF/WAVE to cut 16-bit PCM into pieces without another ffmpeg run per chunk: find the
/// data, copy a sample range, write a 44-byte header in front of it.
/// </summary>
public sealed class WavFile
{
    private WavFile(string path, int sampleRate, short channels, short bitsPerSample, long dataOffset, long dataLength)
    {
        Path = path;
        SampleRate = sampleRate;
        Channels = channels;
        BitsPerSample = bitsPerSample;
        DataOffset = dataOffset;
        DataLength = dataLength;
    }

    public string Path { get; }
    public int SampleRate { get; }
    public short Channels { get; }
    public short BitsPerSample { get; }
    public long DataOffset { get; }
    public long DataLength { get; }
    public int BytesPerFrame => Channels * BitsPerSample / 8;
    public long SampleCount => DataLength / BytesPerFrame;
    public TimeSpan Duration => TimeSpan.FromSeconds((double)SampleCount / SampleRate);

    public static WavFile Open(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> header = stackalloc byte[12];
        stream.ReadExactly(header);
        if (Encoding.ASCII.GetString(header[..4]) != "RIFF" || Encoding.ASCII.GetString(header[8..12]) != "WAVE")
        {
            throw new InvalidDataException($"{path} is not a RIFF/WAVE file.");
        }

        int? sampleRate = null;
        short channels = 0, bits = 0, format = 0;
        Span<byte> chunkHeader = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[16];
        while (stream.Position + 8 <= stream.Length)
        {
            stream.ReadExactly(chunkHeader);
            var id = Encoding.ASCII.GetString(chunkHeader[..4]);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            if (id == "fmt ")
            {
                stream.ReadExactly(fmt);
                format = BinaryPrimitives.ReadInt16LittleEndian(fmt);
                channels = BinaryPrimitives.ReadInt16LittleEndian(fmt[2..]);
                sampleRate = BinaryPrimitives.ReadInt32LittleEndian(fmt[4..]);
                bits = BinaryPrimitives.ReadInt16LittleEndian(fmt[14..]);
                stream.Seek(size - 16 + (size & 1), SeekOrigin.Current);
            }
            else if (id == "data")
            {
                if (sampleRate is null || format != 1 || bits != 16)
                {
                    throw new InvalidDataException($"{path} is not 16-bit PCM.");
                }

                // A writer that could not seek back leaves the size unset; the rest of the file is the data then.
                var available = stream.Length - stream.Position;
                var length = size == 0 || size > available ? available : size;
                return new WavFile(path, sampleRate.Value, channels, bits, stream.Position, length);
            }
            else
            {
                stream.Seek(size + (size & 1), SeekOrigin.Current);
            }
        }

        throw new InvalidDataException($"{path} has no data chunk.");
    }

    /// <summary>Writes samples [span.Start, span.End) as a WAV file of their own.</summary>
    public void WriteSlice(SampleSpan span, string outputPath)
    {
        var bytes = span.Length * BytesPerFrame;
        using var input = File.OpenRead(Path);
        using var output = File.Create(outputPath);
        output.Write(Header(bytes));
        input.Seek(DataOffset + span.Start * BytesPerFrame, SeekOrigin.Begin);
        var buffer = new byte[81920];
        var remaining = bytes;
        while (remaining > 0)
        {
            var read = input.Read(buffer, 0, (int)Math.Min(buffer.Length, remaining));
            if (read == 0)
            {
                throw new EndOfStreamException($"{Path} ended before sample {span.End}.");
            }

            output.Write(buffer, 0, read);
            remaining -= read;
        }
    }

    private byte[] Header(long dataBytes)
    {
        var header = new byte[44];
        Encoding.ASCII.GetBytes("RIFF").CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)(36 + dataBytes));
        Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(header, 8);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(22), Channels);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(24), SampleRate);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(28), SampleRate * BytesPerFrame);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(32), (short)BytesPerFrame);
        BinaryPrimitives.WriteInt16LittleEndian(header.AsSpan(34), BitsPerSample);
        Encoding.ASCII.GetBytes("data").CopyTo(header, 36);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), (uint)dataBytes);
        return header;
    }
}
