package acme.tools;

/** The released library (acme:tools:1.0.0). */
public final class Tools {
  private Tools() {}

  public static String hello() {
    return "hello from tools 1.0.0";
  }
}
