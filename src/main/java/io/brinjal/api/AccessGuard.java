package io.brinjal.api;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bearer-token access: {@code Authorization: Bearer <token>}, or {@code ?access_token=} on GET
 * for clients that cannot send headers (EventSource, browser WebSocket). Tokens are compared
 * as SHA-256 digests with {@link MessageDigest#isEqual}, so the time taken says nothing about
 * how much of a guess was right, nor about the token's length. Off when no token is set.
 */
public final class AccessGuard {
  /** The query parameter a GET may carry the token in; never an option or task parameter. */
  public static final String QUERY_PARAM = "access_token";
  private final byte[] expectedDigest;
  private final String realm;

  private AccessGuard(String token, String realm) {
    this.expectedDigest = token.isEmpty() ? null : digest(token);
    this.realm = realm;
  }

  public static AccessGuard of(String token, String realm) {
    return new AccessGuard(token, realm);
  }

  public boolean enabled() {
    return expectedDigest != null;
  }

  /** A route handler: passes the request on, or answers 401. */
  public void check(RoutingContext ctx) {
    if (expectedDigest == null || matches(presentedToken(ctx))) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"");
    Replies.detail(ctx, 401, "authentication required: send Authorization: Bearer <token>");
  }

  private static String presentedToken(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) return header.substring(7).trim();
    if (ctx.request().method() == HttpMethod.GET) return ctx.request().getParam(QUERY_PARAM);
    return null;
  }

  private boolean matches(String presented) {
    return presented != null && MessageDigest.isEqual(expectedDigest, digest(presented));
  }

  private static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
