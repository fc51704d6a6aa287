package io.brinjal.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A plain TCP connection to the server, for requests a client library would normalise away
 * (smuggling shapes, slow headers, hand-made WebSocket frames). Reads wait at most 15 s.
 */
public final class RawSocket implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final int port;

  private RawSocket(Socket socket, int port) throws IOException {
    this.socket = socket;
    this.port = port;
    this.out = socket.getOutputStream();
    this.in = new DataInputStream(socket.getInputStream());
  }

  public static RawSocket open(int port) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(15_000);
      return new RawSocket(socket, port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the text as ISO-8859-1 bytes; false if the server has already closed the connection. */
  public boolean send(String text) {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  public boolean send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Everything the server sends until it closes the connection (or 15 s pass: an AssertionError). */
  public String readUntilClosed() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) != -1; ) all.write(buf, 0, n);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open; got so far: " + all.toString(StandardCharsets.ISO_8859_1));
    } catch (IOException e) {
      // reset by the server: closed too
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  /** One response's status line and headers, up to the blank line. */
  public String readHead() {
    StringBuilder head = new StringBuilder();
    try {
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b == -1) break;
        head.append((char) b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return head.toString();
  }

  /** Exactly {@code n} bytes (a response body of a known length). */
  public String readBytes(int n) {
    try {
      byte[] bytes = new byte[n];
      in.readFully(bytes);
      return new String(bytes, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Opens a WebSocket on {@code path} by hand; returns the handshake's response head. */
  public String upgrade(String path, String extraHeaders) {
    send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n");
    return readHead();
  }

  /** A masked client frame (mask key 0, so the payload goes as it is). */
  public boolean sendFrame(int opcode, boolean fin, byte[] payload) {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    int n = payload.length;
    if (n < 126) {
      frame.write(0x80 | n);
    } else if (n < 65_536) {
      frame.write(0x80 | 126);
      frame.write(n >>> 8);
      frame.write(n);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) frame.write((int) ((long) n >>> shift));
    }
    frame.writeBytes(new byte[4]);
    frame.writeBytes(payload);
    return send(frame.toByteArray());
  }

  /** A server frame: its opcode and payload. */
  public record Frame(int opcode, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The status code of a close frame. */
    public int closeCode() {
      return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }
  }

  /** The next frame from the server; null when the connection closed first. */
  public Frame readFrame() {
    try {
      int first = in.read();
      if (first == -1) return null;
      int second = in.readUnsignedByte();
      long n = second & 0x7f;
      if (n == 126) n = in.readUnsignedShort();
      else if (n == 127) n = in.readLong();
      byte[] payload = new byte[(int) n];
      in.readFully(payload);
      return new Frame(first & 0x0f, payload);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no WebSocket frame within 15 s");
    } catch (IOException e) {
      return null;
    }
  }

  /** Frames until a close frame (returned) or the end of the connection (null). */
  public Frame readUntilCloseFrame() {
    for (Frame f; (f = readFrame()) != null; ) if (f.opcode() == 0x8) return f;
    return null;
  }

  /** Whether the server closes the connection within the time; reads (and drops) what comes. */
  public boolean closedWithin(int millis) {
    try {
      socket.setSoTimeout(millis);
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    } finally {
      try {
        socket.setSoTimeout(15_000);
      } catch (IOException e) {
        // closed: nothing to restore
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
