# Compares what Packyard serves for a set of gems with what `gem generate_index` writes for the same .gem
# files: the three specs indexes (equal after Marshal.load) and every quick gemspec (the fields RubyGems
# keeps in Marshal.4.8). Usage: ruby compare-indexes.rb <generate_index dir> <source URL with credentials>
require "net/http"
require "rubygems/package"
require "zlib"

dir, source = ARGV
uri = URI(source.end_with?("/") ? source : "#{source}/")

def fetch(uri, path)
  target = uri + path
  request = Net::HTTP::Get.new(target)
  request.basic_auth(URI.decode_www_form_component(uri.user), URI.decode_www_form_component(uri.password)) if uri.user
  response = Net::HTTP.start(target.host, target.port) { |http| http.request(request) }
  raise "#{path}: #{response.code} #{response.body}" unless response.code == "200"
  response.body
end

FIELDS = %i[name version platform original_platform date summary description authors email homepage licenses metadata
            required_ruby_version required_rubygems_version rubygems_version specification_version].freeze
problems = []
%w[specs latest_specs prerelease_specs].each do |index|
  ours = Marshal.load(Zlib.gunzip(fetch(uri, "#{index}.4.8.gz")))
  theirs = Marshal.load(Zlib.gunzip(File.binread(File.join(dir, "#{index}.4.8.gz"))))
  # latest_specs: rubygems.org lists the newest version per name and platform; RubyGems 3.3's indexer keeps
  # one platform per name. Both name the same newest versions.
  same = index == "latest_specs" ? ours.map { |n, v, _| [n, v] }.uniq == theirs.map { |n, v, _| [n, v] }.uniq : ours == theirs
  problems << "#{index}: #{ours.inspect} != #{theirs.inspect}" unless same
  ours.each do |name, version, platform|
    full = platform == "ruby" ? "#{name}-#{version}" : "#{name}-#{version}-#{platform}"
    a = Marshal.load(Gem::Util.inflate(fetch(uri, "quick/Marshal.4.8/#{full}.gemspec.rz")))
    b = Marshal.load(Gem::Util.inflate(File.binread(File.join(dir, "quick", "Marshal.4.8", "#{full}.gemspec.rz"))))
    FIELDS.each { |f| problems << "#{full} #{f}: #{a.send(f).inspect} != #{b.send(f).inspect}" unless a.send(f).to_s == b.send(f).to_s }
    deps = ->(s) { s.dependencies.map { |d| [d.name, d.requirement.to_s, d.type] }.sort }
    problems << "#{full} dependencies: #{deps.(a)} != #{deps.(b)}" unless deps.(a) == deps.(b)
  end
end
# The dependency API: every version of the requested gems with its runtime dependencies, as rubygems.org answers.
specs = %w[specs prerelease_specs].flat_map { |i| Marshal.load(Zlib.gunzip(File.binread(File.join(dir, "#{i}.4.8.gz")))) }
names = specs.map(&:first).uniq.sort
expected = specs.map do |name, version, platform|
  full = platform == "ruby" ? "#{name}-#{version}" : "#{name}-#{version}-#{platform}"
  spec = Marshal.load(Gem::Util.inflate(File.binread(File.join(dir, "quick", "Marshal.4.8", "#{full}.gemspec.rz"))))
  { name: name, number: version.to_s, platform: platform, dependencies: spec.runtime_dependencies.map { |d| [d.name, d.requirement.to_s] } }
end
ours = Marshal.load(fetch(uri, "api/v1/dependencies?gems=#{names.join(",")}"))
sort = ->(list) { list.sort_by { |h| [h[:name], h[:number], h[:platform]] } }
problems << "dependencies: #{sort.(ours)} != #{sort.(expected)}" unless sort.(ours) == sort.(expected)

puts problems.empty? ? "indexes match" : problems
exit(problems.empty? ? 0 : 1)
