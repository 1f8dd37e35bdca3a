"""Given names the linter recognises as people without being told.

A postmortem's own people (its participants, owners and commenters) are
passed in through `LintConfig.people`; text pasted from elsewhere names
people nobody registered ("Then Dave forgot to ..."), so a list of common
given names fills the gap. Names that are also ordinary words in incident
prose (Will, Mark, May, Grace, Chase, Rich, Bill, ...) are left out: they
would make "Will restart the pods" a person. Matched case-sensitively.
"""

from __future__ import annotations

GIVEN_NAMES: tuple[str, ...] = (
    # English-speaking countries' common given names
    "Aaron", "Adam", "Adrian", "Aisha", "Alan", "Albert", "Alex", "Alexander", "Alexandra", "Alice", "Alicia",
    "Alison", "Allison", "Amanda", "Amber", "Amelia", "Amy", "Andrea", "Andrew", "Andy", "Angela", "Anna", "Anne",
    "Anthony", "Antonio", "Arthur", "Ashley", "Barbara", "Ben", "Benjamin", "Beth", "Betty", "Bob", "Bobby",
    "Brad", "Bradley", "Brandon", "Brenda", "Brian", "Bruce", "Bryan", "Caleb", "Carl", "Carlos", "Carol",
    "Caroline", "Catherine", "Charles", "Charlie", "Charlotte", "Chloe", "Chris", "Christian", "Christina",
    "Christine", "Christopher", "Claire", "Cynthia", "Dan", "Daniel", "Danielle", "Dave", "David", "Deborah",
    "Dennis", "Derek", "Diana", "Diane", "Donald", "Donna", "Doug", "Douglas", "Dylan", "Ed", "Eddie", "Edward",
    "Elena", "Elizabeth", "Ellen", "Emily", "Emma", "Eric", "Erica", "Erik", "Ethan", "Eve", "Evelyn", "Fiona",
    "Frank", "Gary", "George", "Gerald", "Gina", "Greg", "Gregory", "Hannah", "Harold", "Harry", "Heather",
    "Helen", "Henry", "Ian", "Isaac", "Isabella", "Jacob", "James", "Jamie", "Jane", "Janet", "Jason", "Jeff",
    "Jeffrey", "Jennifer", "Jenny", "Jeremy", "Jerry", "Jessica", "Jim", "Jimmy", "Joan", "Joe", "Joel", "John",
    "Johnny", "Jon", "Jonathan", "Jordan", "Jose", "Joseph", "Josh", "Joshua", "Joyce", "Juan", "Judith", "Judy",
    "Julia", "Julie", "Justin", "Karen", "Kate", "Katherine", "Kathleen", "Kathy", "Katie", "Keith", "Kelly",
    "Ken", "Kenneth", "Kevin", "Kim", "Kimberly", "Kyle", "Larry", "Laura", "Lauren", "Linda", "Lisa", "Liz",
    "Louis", "Lucy", "Luis", "Luke", "Maria", "Marie", "Marilyn", "Martha", "Martin", "Mary", "Matt", "Matthew",
    "Megan", "Melissa", "Michael", "Michelle", "Mike", "Nancy", "Natalie", "Nathan", "Nicholas", "Nick",
    "Nicole", "Noah", "Olivia", "Oscar", "Pamela", "Patricia", "Patrick", "Paul", "Peter", "Phil", "Philip",
    "Rachel", "Ralph", "Randy", "Raymond", "Rebecca", "Richard", "Rick", "Rob", "Robert", "Roger", "Ron",
    "Ronald", "Russell", "Ruth", "Ryan", "Sam", "Samantha", "Samuel", "Sandra", "Sara", "Sarah", "Scott", "Sean",
    "Sharon", "Shirley", "Sophia", "Sophie", "Stephanie", "Stephen", "Steve", "Steven", "Susan", "Tanya",
    "Teresa", "Terry", "Thomas", "Tim", "Timothy", "Tina", "Todd", "Tom", "Tommy", "Tony", "Tyler", "Victoria",
    "Vincent", "Walter", "Wayne", "William", "Zach", "Zachary",
    # names common in engineering teams elsewhere
    "Ahmed", "Akira", "Ali", "Amit", "Ana", "Anil", "Anja", "Arjun", "Aryan", "Carmen", "Chen", "Dana", "Deepak",
    "Diego", "Dmitri", "Elif", "Fatima", "Hans", "Hiroshi", "Igor", "Ines", "Ivan", "Javier", "Jens", "Jorge",
    "Kai", "Kenji", "Lars", "Lei", "Li", "Lina", "Luca", "Lukas", "Marco", "Mateo", "Mehmet", "Mei", "Miguel",
    "Mohammed", "Muhammad", "Nadia", "Nikhil", "Nina", "Olga", "Omar", "Pablo", "Pedro", "Pierre", "Priya",
    "Rahul", "Raj", "Ravi", "Rohan", "Sanjay", "Sergei", "Sofia", "Sven", "Tariq", "Thijs", "Wei", "Yuki", "Yusuf",
    "Zhang",
)
