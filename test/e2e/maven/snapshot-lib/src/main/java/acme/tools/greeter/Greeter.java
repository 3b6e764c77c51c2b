package acme.tools.greeter;

/** The snapshot library (acme.tools:greeter:1.1.0-SNAPSHOT); the e2e test adds a method before the second deploy. */
public final class Greeter {
  private Greeter() {}

  public static String greet() {
    return "greetings, build 1";
  }
  // SECOND-BUILD-MARKER
}
